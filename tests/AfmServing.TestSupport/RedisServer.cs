using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace AfmServing.TestSupport;

/// <summary>
/// A real <c>redis-server</c> process of the test's own, on a free loopback port, without persistence
/// (<c>--save "" --appendonly no</c>). <see cref="StartAsync"/> returns once it answers PING. It can be stopped
/// and started again on the same port, or frozen with SIGSTOP and thawed with SIGCONT, to test outages.
/// Disposing kills it. A missing redis-server is a failure, never a skip (CI installs it; so should you).
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable, IDisposable
{
    public const string NotFoundMessage = "redis-server not found: apt-get install redis-server";
    private const int SigCont = 18;
    private const int SigStop = 19;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly string _executable;
    private readonly string[] _extraArgs;
    private readonly string _workDir;
    private Process? _process;
    private bool _paused;

    private RedisServer(string executable, int port, string[] extraArgs)
    {
        _executable = executable;
        Port = port;
        _extraArgs = extraArgs;
        _workDir = Directory.CreateTempSubdirectory("afm-redis-").FullName;
    }

    /// <summary>Loopback port the server listens on (kept across <see cref="Stop"/>/<see cref="Start"/>).</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server with optional extra arguments (e.g. <c>--requirepass</c>, <c>secret</c>).</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArgs)
    {
        string exe = FindExecutable() ?? throw new InvalidOperationException(NotFoundMessage);
        var server = new RedisServer(exe, FreePort(), extraArgs);
        try
        {
            await server.StartProcessAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills the server (like a crash: no clean shutdown) and waits for it to exit.</summary>
    public void Stop()
    {
        var p = _process;
        _process = null;
        if (p is null)
            return;
        if (_paused)
        {
            _ = Kill(p.Id, SigCont);
            _paused = false;
        }
        try
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        p.Dispose();
    }

    /// <summary>Starts the server again on the same port after <see cref="Stop"/>.</summary>
    public Task Start() => _process is null ? StartProcessAsync() : Task.CompletedTask;

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing answers.</summary>
    public void Pause()
    {
        var p = _process ?? throw new InvalidOperationException("redis-server is not running");
        if (Kill(p.Id, SigStop) != 0)
            throw new InvalidOperationException($"kill(SIGSTOP) failed: errno {Marshal.GetLastPInvokeError()}");
        _paused = true;
    }

    /// <summary>Thaws a paused server (SIGCONT).</summary>
    public void Resume()
    {
        var p = _process ?? throw new InvalidOperationException("redis-server is not running");
        if (Kill(p.Id, SigCont) != 0)
            throw new InvalidOperationException($"kill(SIGCONT) failed: errno {Marshal.GetLastPInvokeError()}");
        _paused = false;
    }

    /// <summary>Sends one inline command over a fresh socket and returns the first reply line (e.g. <c>+PONG</c>).</summary>
    public async Task<string> CommandAsync(string command, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cts.Token).ConfigureAwait(false);
        var buffer = new byte[4096];
        var reply = new StringBuilder();
        while (!reply.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
            if (n == 0)
                break;
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        string text = reply.ToString();
        int end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        var psi = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _workDir,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _workDir, "--daemonize", "no", "--loglevel", "warning" })
            psi.ArgumentList.Add(arg);
        foreach (var arg in _extraArgs)
            psi.ArgumentList.Add(arg);

        var output = new StringBuilder();
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {_executable}");
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
                break;
            try
            {
                string reply = await CommandAsync("PING", TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
                if (reply == "+PONG" || reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
                    return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
        Stop();
        string log;
        lock (output)
            log = output.ToString();
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s. Output:\n{log}");
    }

    private static string? FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0)
                continue;
            string candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
