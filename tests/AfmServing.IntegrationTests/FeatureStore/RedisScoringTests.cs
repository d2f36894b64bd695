using System.Diagnostics;
using AfmServing.Api.V1;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.IntegrationTests.FeatureStore;

/// <summary>The service with a real redis-server as its feature store: lookups, degradation and recovery.</summary>
public sealed class RedisScoringTests : IAsyncLifetime
{
    private const int TimeoutMs = 50;
    private readonly string _root = TestModels.TempRoot();
    private RedisServer _redis = null!;
    private ScoringHost _host = null!;

    public async Task InitializeAsync()
    {
        TestModels.Write(_root, withItemFile: false);
        _redis = await RedisServer.StartAsync();
        await _redis.CommandAsync("HSET afm:item:i2 cost paid");
        await _redis.CommandAsync("HSET afm:item:i3 cost free");
        _host = await ScoringHost.StartAsync(_root, new Dictionary<string, string?>
        {
            ["FeatureStore:Redis"] = _redis.ConnectionString,
            ["FeatureStore:TimeoutMilliseconds"] = TimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static ScoreRequest Request(string item, string? cost = null)
    {
        var request = new ScoreRequest { UserId = "u1" };
        request.Context.Add("daytime", Value.ForString("night"));
        var c = new Candidate { ItemId = item };
        if (cost is not null)
            c.Features.Add("cost", Value.ForString(cost));
        request.Candidates.Add(c);
        return request;
    }

    [Fact]
    public async Task Score_IdsOnly_UsesRedisFeaturesLikeTheRequestWouldCarryThem()
    {
        var byIds = await _host.Grpc.ScoreAsync(Request("i2"));
        var carried = await _host.Grpc.ScoreAsync(Request("i2", "paid"));
        var other = await _host.Grpc.ScoreAsync(Request("i2", "free"));

        Assert.False(byIds.FeaturesDegraded);
        Assert.Equal(carried.Scores[0].Probability, byIds.Scores[0].Probability);
        Assert.NotEqual(other.Scores[0].Probability, byIds.Scores[0].Probability);
    }

    [Fact]
    public async Task Score_UnknownItem_IsAColdStartNotADegradation()
    {
        var response = await _host.Grpc.ScoreAsync(Request("never-loaded"));

        Assert.False(response.FeaturesDegraded);
        Assert.InRange(response.Scores[0].Probability, 0f, 1f);
    }

    [Fact]
    public async Task Score_RedisStoppedThenRestarted_DegradesThenRecoversWithoutRestart()
    {
        var healthy = await _host.Grpc.ScoreAsync(Request("i2"));
        Assert.False(healthy.FeaturesDegraded);

        _redis.Stop();
        var down = await _host.Grpc.ScoreAsync(Request("i2"));
        Assert.True(down.FeaturesDegraded);
        // Still answered, scored with the request's own features only (cost missing).
        Assert.NotEqual(healthy.Scores[0].Probability, down.Scores[0].Probability);
        using (var ready = await _host.Http.GetAsync("/healthz/ready"))
        {
            Assert.Equal(200, (int)ready.StatusCode);
            Assert.Contains("Degraded", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await _redis.Start();
        await _redis.CommandAsync("HSET afm:item:i2 cost paid");
        ScoreResponse? recovered = null;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            recovered = await _host.Grpc.ScoreAsync(Request("i2"));
            if (!recovered.FeaturesDegraded)
                break;
            await Task.Delay(200);
        }
        Assert.NotNull(recovered);
        Assert.False(recovered!.FeaturesDegraded, "the store did not reconnect within 30 s");
        Assert.Equal(healthy.Scores[0].Probability, recovered.Scores[0].Probability);
    }

    [Fact]
    public async Task Score_RedisHung_NeverHoldsTheRequestPastTheTimeout()
    {
        await _host.Grpc.ScoreAsync(Request("i2"));
        _redis.Pause();
        try
        {
            var watch = Stopwatch.StartNew();
            var response = await _host.Grpc.ScoreAsync(Request("i2"));
            watch.Stop();

            Assert.True(response.FeaturesDegraded);
            // Generous margin over the 50 ms store timeout: the bound proves the request is not held by Redis.
            Assert.True(watch.ElapsedMilliseconds < TimeoutMs + 2000, $"took {watch.ElapsedMilliseconds} ms");
        }
        finally
        {
            _redis.Resume();
        }
    }
}
