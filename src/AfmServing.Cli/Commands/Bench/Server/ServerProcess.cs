using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AfmServing.Cli.Commands.Bench.Server;

/// <summary>
/// The scoring service started as a child process, <c>dotnet AfmServing.Server.dll</c>, on two free loopback
/// ports, with configuration overrides as environment variables (<c>Batching:Enabled=false</c> becomes
/// <c>Batching__Enabled=false</c>). Ready when <c>/healthz/ready</c> answers 200; disposing kills it. This lets
/// one bench invocation compare two server settings without any server code in the CLI.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ServerProcess(Process process, Uri http, Uri grpc)
    {
        _process = process;
        HttpUrl = http;
        GrpcUrl = grpc;
    }

    public Uri HttpUrl { get; }

    public Uri GrpcUrl { get; }

    public Process Process => _process;

    /// <summary>Starts the server and waits until it is ready; throws <see cref="InvalidOperationException"/> with its last output when it fails.</summary>
    /// <param name="server">AfmServing.Server.dll, or the folder holding it.</param>
    /// <param name="modelsRoot">Models:Root.</param>
    /// <param name="defaultModel">Models:Default, or null for the server's default.</param>
    /// <param name="settings">Further configuration keys (':' or '__' separated) and values.</param>
    /// <param name="readyTimeout">How long loading and warming the model may take.</param>
    /// <param name="cancellationToken">Aborts the wait (the process is killed).</param>
    public static async Task<ServerProcess> StartAsync(
        string server, string modelsRoot, string? defaultModel, IEnumerable<KeyValuePair<string, string>> settings, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string dll = ResolveDll(server);
        int httpPort = FreePort(), grpcPort = FreePort();
        var http = new Uri($"http://127.0.0.1:{httpPort}");
        var grpc = new Uri($"http://127.0.0.1:{grpcPort}");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        var env = psi.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Kestrel__Endpoints__Http__Url"] = http.ToString().TrimEnd('/');
        env["Kestrel__Endpoints__Grpc__Url"] = grpc.ToString().TrimEnd('/');
        env["Models__Root"] = Path.GetFullPath(modelsRoot);
        // A bench measures one model version; a reload mid-run would measure a swap.
        env["Models__ReloadIntervalSeconds"] = "0";
        env["Logging__LogLevel__Default"] = "Warning";
        if (!string.IsNullOrEmpty(defaultModel))
            env["Models__Default"] = defaultModel;
        foreach (var (key, value) in settings)
            env[ToEnvironmentKey(key)] = value;

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
        var self = new ServerProcess(process, http, grpc);
        process.OutputDataReceived += (_, e) => self.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => self.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await self.WaitReadyAsync(readyTimeout, cancellationToken).ConfigureAwait(false);
            return self;
        }
        catch
        {
            await self.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// <c>Batching:Enabled</c> → <c>Batching__Enabled</c>, the form .NET configuration reads from the environment;
    /// <c>env:NAME</c> → <c>NAME</c> verbatim, for runtime knobs that are not configuration (e.g. <c>env:DOTNET_TieredPGO</c>).
    /// </summary>
    public static string ToEnvironmentKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(EnvPrefix, StringComparison.Ordinal) ? key[EnvPrefix.Length..] : key.Replace(":", "__", StringComparison.Ordinal);
    }

    /// <summary>Marks a setting as a raw environment variable of the server process.</summary>
    public const string EnvPrefix = "env:";

    /// <summary>The server's last lines of output (for error messages).</summary>
    public string RecentOutput()
    {
        lock (_output)
            return string.Join(Environment.NewLine, _output);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or did not die in time: nothing more to do from here.
        }
        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var ready = new Uri(HttpUrl, "/healthz/ready");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode} before it was ready. Its last output:{Environment.NewLine}{RecentOutput()}");
            try
            {
                using var response = await http.GetAsync(ready, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"the server was not ready within {timeout.TotalSeconds:0} s. Its last output:{Environment.NewLine}{RecentOutput()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLines)
                _output.Dequeue();
        }
    }

    private static string ResolveDll(string server)
    {
        string full = Path.GetFullPath(server);
        if (Directory.Exists(full))
            full = Path.Combine(full, "AfmServing.Server.dll");
        if (!File.Exists(full))
            throw new FileNotFoundException($"--server: {full} does not exist (build it first: dotnet build -c Release src/AfmServing.Server)", full);
        return full;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
