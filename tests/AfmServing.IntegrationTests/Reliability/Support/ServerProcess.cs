using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using AfmServing.ServerTestSupport;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// The real server as its own process: <c>dotnet AfmServing.Server.dll</c> from the test binaries (built with
/// this project), configured only through environment variables, as a container runs it. Signals go through
/// libc kill(); resident memory is read from /proc.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri http, Uri grpc)
    {
        _process = process;
        HttpAddress = http;
        GrpcAddress = grpc;
    }

    public int Pid => _process.Id;
    public Uri HttpAddress { get; }
    public Uri GrpcAddress { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts the server on free loopback ports and returns once /healthz/ready answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(string modelsRoot, string defaultModel, IDictionary<string, string>? environment = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "AfmServing.Server.dll");
        var http = new Uri($"http://127.0.0.1:{ScoringHost.FreePort()}");
        var grpc = new Uri($"http://127.0.0.1:{ScoringHost.FreePort()}");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root, so the server reads its own appsettings.json (copied beside the test binaries).
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["Kestrel__Endpoints__Http__Url"] = http.ToString().TrimEnd('/');
        psi.Environment["Kestrel__Endpoints__Grpc__Url"] = grpc.ToString().TrimEnd('/');
        psi.Environment["Models__Root"] = modelsRoot;
        psi.Environment["Models__Default"] = defaultModel;
        psi.Environment["Models__ReloadIntervalSeconds"] = "0";
        psi.Environment["Inference__Provider"] = "cpu";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_gcServer"] = "0";
        if (environment is not null)
            foreach (var (k, v) in environment)
                psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var server = new ServerProcess(process, http, grpc);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. <see cref="SigTerm"/>) to the server.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to end; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Resident set size (VmRSS in /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long ResidentBytes()
    {
        if (_process.HasExited)
            throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{(Output.Length > 6000 ? Output[^6000..] : Output)}");
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"/proc/{_process.Id}/status has no VmRSS");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the server exited with {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await http.GetAsync("/healthz/ready");
                if ((int)response.StatusCode == 200)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the server was not ready within {timeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
