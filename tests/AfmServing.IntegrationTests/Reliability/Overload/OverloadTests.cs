using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using AfmServing.Api.V1;
using AfmServing.Core.Models;
using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using Grpc.Core;
using Xunit.Abstractions;

namespace AfmServing.IntegrationTests.Reliability.Overload;

/// <summary>
/// A low-capacity configuration of the real service (one batch worker, a short queue) over a real, wide model
/// (the test model's fields with 256-wide embeddings and attention), loaded well past what it can score.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class OverloadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Candidates = 200;
    private const int MaxQueueRows = 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    private readonly string _root = TestModels.TempRoot();
    private ScoringHost _host = null!;
    private HttpClient _rest = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private AfmServing.Api.V1.Scorer.ScorerClient _grpc = null!;

    public async Task InitializeAsync()
    {
        ReliabilityModels.WriteHeavy(_root);
        _host = await ScoringHost.StartAsync(_root, new Dictionary<string, string?>
        {
            ["Batching:Workers"] = "1",
            ["Batching:MaxBatchRows"] = "64",
            ["Batching:MaxQueueRows"] = MaxQueueRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Scoring:DefaultTimeoutMilliseconds"] = ((int)Deadline.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, defaultModel: "heavy-afm");
        _rest = ScoreClients.Rest(_host.HttpAddress);
        // Like a fleet of clients, not one connection: past the server's 256 streams per connection, calls would
        // otherwise queue in the client and look like slow rejections.
        _channel = Grpc.Net.Client.GrpcChannel.ForAddress(_host.GrpcAddress, new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        _grpc = new AfmServing.Api.V1.Scorer.ScorerClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        _rest.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Score_AtEightTimesCapacity_AcceptedFinishInTimeRestRejectedFastAndServiceRecovers()
    {
        var request = Request(Candidates);
        byte[] json = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(request));
        double capacity = await MeasureCapacityAsync(request, TimeSpan.FromSeconds(2));
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetBefore = Process.GetCurrentProcess().WorkingSet64;

        // Open loop: requests leave on schedule whether or not earlier ones were answered, as real clients' do.
        double rate = 8 * capacity;
        var outcomes = new List<Task<Outcome>>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            long due = (long)(rate * clock.Elapsed.TotalSeconds);
            while (outcomes.Count < due)
                outcomes.Add(outcomes.Count % 5 == 4 ? RestAsync(json) : GrpcAsync(request));
            await Task.Delay(5);
        }
        var all = await Task.WhenAll(outcomes);

        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetAfter = Process.GetCurrentProcess().WorkingSet64;
        var accepted = all.Where(o => o.Kind == OutcomeKind.Scored).ToList();
        var rejected = all.Where(o => o.Kind == OutcomeKind.Rejected).ToList();
        output.WriteLine($"capacity {capacity:F0} req/s ({capacity * Candidates:F0} rows/s); offered {all.Length} at {rate:F0} req/s; " +
            $"accepted {accepted.Count} (p50 {Pct(accepted, 50)} ms, max {Pct(accepted, 100)} ms), rejected {rejected.Count} (p50 {Pct(rejected, 50)} ms, p99 {Pct(rejected, 99)} ms); " +
            $"heap {heapBefore >> 20} -> {heapAfter >> 20} MiB, working set {workingSetBefore >> 20} -> {workingSetAfter >> 20} MiB");

        var other = all.Where(o => o.Kind == OutcomeKind.Other).ToList();
        Assert.True(other.Count == 0, $"{other.Count} answers neither scored nor rejected, e.g. {other.FirstOrDefault()?.Detail}");
        Assert.All(accepted, o => Assert.True(o.Elapsed < Deadline, $"accepted but answered after {o.Elapsed} (deadline {Deadline})"));
        // Usually 85-90 % are rejected; the floor leaves room for a capacity measured while the machine was busier
        // than during the overload (shared CI machines), which makes the real multiple smaller than 8.
        Assert.True(rejected.Count >= all.Length / 5, $"only {rejected.Count} of {all.Length} rejected: the load did not exceed capacity");
        Assert.All(rejected, o => Assert.True(o.RetryHint, $"a rejection without Retry-After / grpc-retry-pushback-ms: {o.Detail}"));
        // Rejections wait for no scoring: faster than accepted requests, and inside the deadline even in the tail.
        Assert.True(Pct(rejected, 50) < Pct(accepted, 50), $"rejections took {Pct(rejected, 50)} ms at the median, accepted requests {Pct(accepted, 50)} ms");
        Assert.True(Pct(rejected, 99) < Deadline.TotalMilliseconds, $"rejections took {Pct(rejected, 99)} ms at the 99th percentile");
        // Goodput holds up under overload: the service keeps scoring near its capacity instead of collapsing.
        Assert.True(accepted.Count >= capacity * 3 * 0.3, $"{accepted.Count} scored in 3 s against a capacity of {capacity:F0} req/s");
        Assert.True(heapAfter - heapBefore < 256L << 20, $"managed heap grew {(heapAfter - heapBefore) >> 20} MiB");
        Assert.True(workingSetAfter - workingSetBefore < 512L << 20, $"working set grew {(workingSetAfter - workingSetBefore) >> 20} MiB");

        // Recovery needs nothing but the load going away.
        var model = _host.Get<ModelRegistry>().TryAcquire(null, out var served) ? served : null;
        Assert.NotNull(model);
        await model.ReleaseAsync();
        var drained = Stopwatch.StartNew();
        while (model.Batcher.QueuedRows > 0 && drained.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);
        Assert.Equal(0, model.Batcher.QueuedRows);
        var after = await _grpc.ScoreAsync(Request(Candidates), deadline: DateTime.UtcNow.Add(Deadline));
        Assert.Equal(Candidates, after.Scores.Count);
        using var restAfter = await _rest.PostAsync("/v1/score", new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        Assert.Equal(200, (int)restAfter.StatusCode);
    }

    internal static ScoreRequest Request(int candidates)
    {
        var r = new ScoreRequest { UserId = "u1" };
        r.Context.Add("daytime", Google.Protobuf.WellKnownTypes.Value.ForString("evening"));
        r.Context.Add("price", Google.Protobuf.WellKnownTypes.Value.ForNumber(4.5));
        for (int i = 0; i < candidates; i++)
            r.Candidates.Add(new Candidate { ItemId = TestModels.Items[i % TestModels.Items.Length] });
        return r;
    }

    /// <summary>Closed loop with three callers (enough to keep one worker busy): completed requests per second.</summary>
    private async Task<double> MeasureCapacityAsync(ScoreRequest request, TimeSpan duration)
    {
        await _grpc.ScoreAsync(request);
        int done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                await _grpc.ScoreAsync(request);
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    private async Task<Outcome> GrpcAsync(ScoreRequest request)
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await _grpc.ScoreAsync(request, deadline: DateTime.UtcNow.Add(Deadline));
            return new Outcome(response.Scores.Count == Candidates ? OutcomeKind.Scored : OutcomeKind.Other, clock.Elapsed, false, $"{response.Scores.Count} scores");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            return new Outcome(OutcomeKind.Rejected, clock.Elapsed, e.Trailers.GetValue("grpc-retry-pushback-ms") is { Length: > 0 }, e.Status.Detail);
        }
        catch (RpcException e)
        {
            return new Outcome(OutcomeKind.Other, clock.Elapsed, false, $"gRPC {e.StatusCode}: {e.Status.Detail}");
        }
    }

    private async Task<Outcome> RestAsync(byte[] json)
    {
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var response = await _rest.PostAsync("/v1/score", content);
        string body = await response.Content.ReadAsStringAsync();
        return (int)response.StatusCode switch
        {
            200 => new Outcome(OutcomeKind.Scored, clock.Elapsed, false, "200"),
            429 => new Outcome(OutcomeKind.Rejected, clock.Elapsed, response.Headers.RetryAfter is not null, body),
            int status => new Outcome(OutcomeKind.Other, clock.Elapsed, false, $"HTTP {status}: {body}"),
        };
    }

    private static long Pct(List<Outcome> outcomes, int percentile)
    {
        if (outcomes.Count == 0)
            return 0;
        var sorted = outcomes.Select(o => o.Elapsed.TotalMilliseconds).Order().ToArray();
        return (long)sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }

    private enum OutcomeKind
    {
        Scored,
        Rejected,
        Other,
    }

    private sealed record Outcome(OutcomeKind Kind, TimeSpan Elapsed, bool RetryHint, string Detail);
}
