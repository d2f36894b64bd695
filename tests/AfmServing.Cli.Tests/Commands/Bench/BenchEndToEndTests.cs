using System.CommandLine;
using System.Text.Json;
using AfmServing.Cli.Commands.Bench;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;

namespace AfmServing.Cli.Tests.Commands.Bench;

/// <summary>One real service (Kestrel, gRPC and REST) over an untrained Frappe-layout model, shared by the class.</summary>
public sealed class FrappeHostFixture : IAsyncLifetime
{
    public string Root { get; } = TestModels.TempRoot();
    public string ModelDirectory { get; private set; } = "";
    public ScoringHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ModelDirectory = FrappeModels.WriteRandom(Root);
        Host = await ScoringHost.StartAsync(Root, defaultModel: "frappe-afm");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

public sealed class BenchEndToEndTests(FrappeHostFixture fixture) : IClassFixture<FrappeHostFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("afm-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string[] Target() =>
    [
        "--grpc-url", fixture.Host.GrpcAddress.ToString(), "--http-url", fixture.Host.HttpAddress.ToString(),
        "--data", SharedData.FrappeTest, "--prime", "0",
    ];

    [Fact]
    public async Task Bench_GrpcThenRest_RecordsSuccessesAndReadsMeanRowsPerRunFromMetrics()
    {
        string json = Path.Combine(_dir, "bench.json");

        var (exit, stdout, stderr) = await RunAsync([
            "bench", .. Target(), "--concurrency", "8", "--candidates", "4", "--warmup", "1s", "--duration", "3s",
            "--compare", "protocol=rest", "--out", json]);

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var runs = doc.RootElement.GetProperty("runs");
        foreach (var (run, protocol) in new[] { (runs[0], "grpc"), (runs[1], "rest") })
        {
            Assert.Equal(protocol, run.GetProperty("protocol").GetString());
            long successes = run.GetProperty("successes").GetInt64();
            Assert.True(successes > 20, $"{protocol}: {successes} successes");
            Assert.Empty(run.GetProperty("errors").EnumerateObject());
            var server = run.GetProperty("server");
            // Every request brings 4 rows and no run splits one, so a run holds at least 4 rows.
            Assert.InRange(server.GetProperty("meanRowsPerRun").GetDouble(), 4, 256);
            // The server's own row count over the window matches what the bench got answered (window edges aside).
            Assert.InRange(server.GetProperty("rows").GetInt64(), successes * 4 * 0.5, successes * 4 * 1.5);
            Assert.True(run.GetProperty("latency").GetProperty("p99").GetDouble() > 0);
        }
        Assert.True(doc.RootElement.GetProperty("ratios").GetProperty("candidatesPerSecond").GetDouble() > 0);
        Assert.Contains("A ÷ B", stdout, StringComparison.Ordinal);
        Assert.Contains("mean rows/model run", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_OpenLoop_SendsAboutTheOfferedRateAndReportsSendLag()
    {
        string json = Path.Combine(_dir, "open.json");

        var (exit, _, stderr) = await RunAsync([
            "bench", .. Target(), "--mode", "open", "--rate", "300", "--features", "ids", "--warmup", "200ms", "--duration", "1s", "--out", json]);

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("open", run.GetProperty("mode").GetString());
        Assert.InRange(run.GetProperty("successes").GetInt64(), 150, 450);
        Assert.True(run.GetProperty("dispatchLag").GetProperty("count").GetInt64() > 150);
    }

    [Fact]
    public async Task BenchOnnx_ModelDirectory_MeasuresRowsPerSecond()
    {
        string json = Path.Combine(_dir, "onnx.json");

        var (exit, stdout, stderr) = await RunAsync([
            "bench", "onnx", "--model-dir", fixture.ModelDirectory, "--data", SharedData.FrappeTest, "--batch", "32",
            "--warmup", "100ms", "--duration", "500ms", "--out", json]);

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("in-process", run.GetProperty("kind").GetString());
        Assert.Equal(32, run.GetProperty("candidates").GetInt32());
        Assert.True(run.GetProperty("candidatesPerSecond").GetDouble() > 1000);
        Assert.Equal(run.GetProperty("requestsPerSecond").GetDouble() * 32, run.GetProperty("candidatesPerSecond").GetDouble(), tolerance: 32);
        Assert.Contains("provider cpu", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_FirstRequestRejected_ExitsWithTheServersReason()
    {
        var (exit, _, stderr) = await RunAsync(["bench", .. Target(), "--model", "no-such-model", "--duration", "1s"]);

        Assert.Equal(BenchCommand.ExitFailed, exit);
        Assert.Contains("the first request failed", stderr, StringComparison.Ordinal);
        Assert.Contains("NotFound", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_StartsTheServerTwice_BatchingOffRunsOneRowPerModelRun()
    {
        string server = Path.Combine(AppContext.BaseDirectory, "AfmServing.Server.dll");
        string json = Path.Combine(_dir, "compare.json");

        var (exit, _, stderr) = await RunAsync([
            "bench", "--server", server, "--models-root", fixture.Root, "--data", SharedData.FrappeTest, "--prime", "0",
            "--set", "Inference:Provider=cpu", "--concurrency", "16", "--warmup", "1s", "--duration", "3s",
            "--compare", "Batching:Enabled=false", "--out", json]);

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var runs = doc.RootElement.GetProperty("runs");
        Assert.Equal("false", runs[1].GetProperty("serverSettings").GetProperty("Batching:Enabled").GetString());
        Assert.Equal(1.0, runs[1].GetProperty("server").GetProperty("meanRowsPerRun").GetDouble());
        Assert.True(runs[0].GetProperty("server").GetProperty("meanRowsPerRun").GetDouble() >= 1.0);
        Assert.True(runs[0].GetProperty("cpu").GetProperty("server").GetDouble() > 0);
        Assert.All(runs.EnumerateArray(), r => Assert.True(r.GetProperty("successes").GetInt64() > 20));
    }

    [Fact]
    public async Task Bench_SetWithoutServer_IsABadArgument()
    {
        var (exit, _, stderr) = await RunAsync(["bench", .. Target(), "--set", "Batching:Enabled=false"]);

        Assert.Equal(BenchCommand.ExitFailed, exit);
        Assert.Contains("--set needs --server", stderr, StringComparison.Ordinal);
    }
}
