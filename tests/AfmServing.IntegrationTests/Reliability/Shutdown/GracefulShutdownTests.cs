using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using AfmServing.Api.V1;
using AfmServing.Core.Models;
using AfmServing.IntegrationTests.Reliability.Overload;
using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.ServerTestSupport;
using AfmServing.Server.Hosting;
using AfmServing.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AfmServing.IntegrationTests.Reliability.Shutdown;

/// <summary>SIGTERM stops accepting, finishes what was accepted and exits 0 within the shutdown timeout.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IDisposable
{
    private const int Candidates = 1000;

    private readonly string _root = TestModels.TempRoot();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Sigterm_DuringABurst_EveryAcceptedRequestIsScoredAndTheProcessExitsZero()
    {
        ReliabilityModels.WriteHeavy(_root);
        // One worker, and a burst sized to keep the real model busy for about two seconds: SIGTERM lands mid-burst.
        await using var server = await ServerProcess.StartAsync(_root, "heavy-afm", new Dictionary<string, string>
        {
            ["Batching__Workers"] = "1",
            ["Batching__MaxQueueRows"] = "200000",
            ["Scoring__DefaultTimeoutMilliseconds"] = "60000",
        });
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var grpc = new Scorer.ScorerClient(channel);
        using var rest = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        var request = OverloadTests.Request(Candidates);
        byte[] json = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(request));
        await grpc.ScoreAsync(OverloadTests.Request(1));
        // One server per process: its Prometheus page is its own (the in-process tests read instruments instead).
        string metrics = await rest.GetStringAsync("/metrics");
        Assert.Matches("""(?m)^afm_model_served\{[^}]*model="heavy-afm"[^}]*version="1"[^}]*\} 1$""", metrics);

        double rowsPerSecond = await Throughput.RowsPerSecondAsync(() => grpc.ScoreAsync(request).ResponseAsync, Candidates, TimeSpan.FromSeconds(1));
        int total = Throughput.RequestsFor(TimeSpan.FromSeconds(2), rowsPerSecond, Candidates, min: 12, max: 120);
        int restCalls = total / 3, grpcCalls = total - restCalls;
        // The exporter may serve a cached page for a moment: take the count once two reads agree.
        int before = await ScoreRequestsSoFarAsync(server);
        for (int previous = -1; previous != before;)
        {
            previous = before;
            await Task.Delay(500);
            before = await ScoreRequestsSoFarAsync(server);
        }

        var clock = Stopwatch.StartNew();
        var burst = Enumerable.Range(0, grpcCalls).Select(_ => GrpcAsync(grpc, request))
            .Concat(Enumerable.Range(0, restCalls).Select(_ => RestAsync(rest, json, clock)))
            .ToArray();
        int arrived = await WaitForArrivalsAsync(server, before + total) - before;
        var signalledAt = clock.Elapsed;
        server.Signal(ServerProcess.SigTerm);

        // New connections are refused while the accepted requests still run.
        await Task.Delay(200);
        var refusedAt = clock.Elapsed;
        using (var late = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(5) })
        {
            try
            {
                using var answered = await late.GetAsync("/healthz/live");
                Assert.Fail($"a new connection {(refusedAt - signalledAt).TotalMilliseconds:F0} ms after SIGTERM was served ({(int)answered.StatusCode})\n{Tail(server.Output)}");
            }
            catch (HttpRequestException)
            {
                // Refused: Kestrel no longer listens.
            }
        }
        var results = await Task.WhenAll(burst);
        bool exited = await server.WaitForExitAsync(ScoringServiceCollectionExtensions.ShutdownTimeout + TimeSpan.FromSeconds(5));
        var exitedAfter = clock.Elapsed - signalledAt;

        int answeredBefore = results.Count(r => r.At < signalledAt);
        output.WriteLine($"{rowsPerSecond:F0} rows/s: a burst of {total} requests of {Candidates} candidates; {arrived} accepted before SIGTERM, {answeredBefore} of them answered before it; after it, a new connection was refused at {(refusedAt - signalledAt).TotalMilliseconds:F0} ms, " +
            $"the last request was answered at {(results.Max(r => r.At) - signalledAt).TotalMilliseconds:F0} ms, the process exited at {exitedAfter.TotalMilliseconds:F0} ms with {(exited ? server.ExitCode : -1)}");
        Assert.All(results, r => Assert.True(r.Scored, $"an accepted request was not scored: {r.Detail}\n{Tail(server.Output)}"));
        Assert.True(results.Any(r => r.At > refusedAt), "every request was answered before the late connection was tried: the test did not exercise draining");
        Assert.True(exited, $"still running {exitedAfter} after SIGTERM\n{Tail(server.Output)}");
        Assert.Equal(0, server.ExitCode);
        Assert.True(exitedAfter < ScoringServiceCollectionExtensions.ShutdownTimeout, $"took {exitedAfter} to exit");
        Assert.Contains("Application is shutting down", server.Output, StringComparison.Ordinal);

        async Task<Result> GrpcAsync(Scorer.ScorerClient client, ScoreRequest r)
        {
            try
            {
                var response = await client.ScoreAsync(r, deadline: DateTime.UtcNow.AddSeconds(60));
                return new Result(response.Scores.Count == Candidates, clock.Elapsed, $"{response.Scores.Count} scores");
            }
            catch (RpcException e)
            {
                return new Result(false, clock.Elapsed, $"gRPC {e.StatusCode}: {e.Status.Detail}");
            }
        }
    }

    [Fact]
    public async Task HostStop_WithRequestsInFlight_FinishesThemThenRetiresTheModels()
    {
        ReliabilityModels.WriteHeavy(_root);
        var host = await ScoringHost.StartAsync(_root, new Dictionary<string, string?>
        {
            ["Batching:Workers"] = "1",
            ["Scoring:DefaultTimeoutMilliseconds"] = "60000",
        }, defaultModel: "heavy-afm");
        Assert.Equal(ScoringServiceCollectionExtensions.ShutdownTimeout, host.Get<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.True(host.Get<ModelRegistry>().TryAcquire(null, out var model));
        await model.ReleaseAsync();
        var request = OverloadTests.Request(Candidates);
        // 12,000 rows: about a second of the real model on one worker.
        var inFlight = Enumerable.Range(0, 12).Select(_ => host.Grpc.ScoreAsync(request).ResponseAsync).ToArray();
        var waited = Stopwatch.StartNew();
        while (model.Batcher.QueuedRows < 2 * Candidates && waited.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(1);
        Assert.True(model.Batcher.QueuedRows >= 2 * Candidates, $"only {model.Batcher.QueuedRows} rows queued");

        var stopping = host.StopAsync();
        var responses = await Task.WhenAll(inFlight);
        await stopping;
        // Stopped, not yet disposed: the served model is still the registry's until the container goes.
        Assert.True(model.TryAcquire());
        await model.ReleaseAsync();
        await host.DisposeAsync();

        Assert.All(responses, r => Assert.Equal(Candidates, r.Scores.Count));
        Assert.False(model.TryAcquire(), "the container's disposal did not retire the model");
        var e = await Assert.ThrowsAsync<AfmServing.Core.Scoring.ScoringException>(async () =>
            await model.Batcher.ScoreAsync(new long[6], new float[6], 1, new float[1], new float[15], CancellationToken.None));
        Assert.Equal(AfmServing.Core.Scoring.ScoringErrorCode.Unavailable, e.Code);
    }

    private static async Task<Result> RestAsync(HttpClient rest, byte[] json, Stopwatch clock)
    {
        try
        {
            using var content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            using var response = await rest.PostAsync("/v1/score", content);
            string body = await response.Content.ReadAsStringAsync();
            return new Result((int)response.StatusCode == 200 && body.Contains("\"scores\"", StringComparison.Ordinal), clock.Elapsed, $"HTTP {(int)response.StatusCode}: {body[..Math.Min(200, body.Length)]}");
        }
        catch (HttpRequestException e)
        {
            return new Result(false, clock.Elapsed, e.Message);
        }
    }

    /// <summary>
    /// Polls /metrics until the server has received <paramref name="expected"/> score requests in all (POSTs in
    /// progress plus POSTs finished), so that SIGTERM comes after every request of the burst was accepted.
    /// </summary>
    private static async Task<int> WaitForArrivalsAsync(ServerProcess server, int expected)
    {
        var clock = Stopwatch.StartNew();
        int arrived = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            arrived = await ScoreRequestsSoFarAsync(server);
            if (arrived >= expected)
                return arrived;
            await Task.Delay(20);
        }
        throw new TimeoutException($"only {arrived} of {expected} requests reached the server\n{Tail(server.Output)}");
    }

    /// <summary>POSTs (score requests over either port) in progress or finished, from the server's own metrics.</summary>
    private static async Task<int> ScoreRequestsSoFarAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        string text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.Contains("http_request_method=\"POST\"", StringComparison.Ordinal)
                && (l.StartsWith("http_server_active_requests{", StringComparison.Ordinal) || l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)))
            .Sum(l => (int)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private sealed record Result(bool Scored, TimeSpan At, string Detail);
}
