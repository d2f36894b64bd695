using System.Net;
using System.Net.Sockets;
using System.Text;
using AfmServing.Deploy.Tests.Support;
using AfmServing.TestSupport;

namespace AfmServing.Deploy.Tests.Docker;

/// <summary>The shell scripts baked into the images, run with bash against real sockets and files.</summary>
public sealed class ContainerScriptTests : IDisposable
{
    private static readonly string Healthcheck = RepoPaths.Path("deploy", "docker", "healthcheck.sh");
    private static readonly string Loader = RepoPaths.Path("deploy", "docker", "load-bundled-features.sh");

    private readonly string _dir = Directory.CreateTempSubdirectory("afm-deploy-scripts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Healthcheck_Http200_ExitsZeroAfterAskingForThePath()
    {
        using var server = new OneShotHttpServer("HTTP/1.1 200 OK");

        var result = ProcessRunner.Run("bash", [Healthcheck, server.Port.ToString(), "/healthz/ready"]);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.StartsWith("GET /healthz/ready HTTP/1.1\r\n", await server.RequestAsync());
    }

    [Fact]
    public void Healthcheck_Http503_ExitsNonZeroAndSaysWhy()
    {
        using var server = new OneShotHttpServer("HTTP/1.1 503 Service Unavailable");

        var result = ProcessRunner.Run("bash", [Healthcheck, server.Port.ToString(), "/healthz/ready"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("503", result.StdOut);
    }

    [Fact]
    public void Healthcheck_NothingListening_ExitsNonZero()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = ProcessRunner.Run("bash", [Healthcheck, port.ToString(), "/healthz/ready"]);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void Loader_LoadsUsersAndItemsOfEachModelsHighestVersion()
    {
        var models = Path.Combine(_dir, "models");
        Touch(models, "frappe-afm", "2", "items.csv");
        Touch(models, "frappe-afm", "10", "items.csv");
        Touch(models, "frappe-afm", "10", "model.onnx");
        Touch(models, "movielens-afm", "1", "users.csv");
        Touch(models, "movielens-afm", "1", "items.jsonl");
        var (result, calls) = RunLoader(models, "redis:6379,password=pw");

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal(
            [
                $"features load --redis redis:6379,password=pw --entity item --file {models}/frappe-afm/10/items.csv --prefix test:",
                $"features load --redis redis:6379,password=pw --entity user --file {models}/movielens-afm/1/users.csv --prefix test:",
                $"features load --redis redis:6379,password=pw --entity item --file {models}/movielens-afm/1/items.jsonl --prefix test:",
            ],
            calls);
    }

    [Fact]
    public void Loader_CliFails_FailsSoTheServiceDoesNotStart()
    {
        var models = Path.Combine(_dir, "models");
        Touch(models, "frappe-afm", "1", "items.csv");

        var (result, _) = RunLoader(models, "redis:6379", cliExitCode: 3);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void Loader_NoRedisConfigured_FailsNamingTheSetting()
    {
        var models = Path.Combine(_dir, "models");
        Directory.CreateDirectory(models);

        var (result, calls) = RunLoader(models, "");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FeatureStore__Redis", result.StdErr);
        Assert.Empty(calls);
    }

    private (ProcessResult Result, List<string> Calls) RunLoader(string models, string redis, int cliExitCode = 0)
    {
        // Stands in for the afm CLI (built by others); records the command lines the script issues.
        var log = Path.Combine(_dir, "calls.log");
        var stub = Path.Combine(_dir, "afm-stub.sh");
        File.WriteAllText(stub, $"#!/bin/bash\necho \"$*\" >> '{log}'\nexit {cliExitCode}\n");
        var result = ProcessRunner.Run("bash", [Loader], new Dictionary<string, string>
        {
            ["FeatureStore__Redis"] = redis,
            ["FeatureStore__KeyPrefix"] = "test:",
            ["Models__Root"] = models,
            ["AFM_CLI"] = $"bash {stub}",
        });
        var calls = File.Exists(log) ? File.ReadAllLines(log).ToList() : [];
        return (result, calls);
    }

    private static void Touch(params string[] parts)
    {
        var path = Path.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "id\n1\n");
    }

    /// <summary>Accepts one connection on loopback, reads the request head and answers with a fixed status line.</summary>
    private sealed class OneShotHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task<string> _request;

        public OneShotHttpServer(string statusLine)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _request = Task.Run(() => ServeAsync(statusLine));
        }

        public int Port { get; }

        public Task<string> RequestAsync() => _request.WaitAsync(TimeSpan.FromSeconds(10));

        private async Task<string> ServeAsync(string statusLine)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[1024];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int n = await stream.ReadAsync(buffer);
                if (n == 0)
                    break;
                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            var response = Encoding.ASCII.GetBytes($"{statusLine}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(response);
            return head.ToString();
        }

        public void Dispose() => _listener.Stop();
    }
}
