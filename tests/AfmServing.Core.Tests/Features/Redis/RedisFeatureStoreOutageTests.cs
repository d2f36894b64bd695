using System.Diagnostics;
using AfmServing.Core.Features;
using AfmServing.Core.Features.Redis;
using AfmServing.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AfmServing.Core.Tests.Features.Redis;

/// <summary>Redis going away, freezing and coming back; each test owns its redis-server.</summary>
public sealed class RedisFeatureStoreOutageTests
{
    private static readonly string[] Fields = ["year"];
    private static readonly FeatureLookup Lookup = new(null, ["1"], [], Fields);

    // Timing bounds are deliberately loose (budget + 2 s): they catch a hang, not a slow machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(20);

    private static async Task SeedAsync(RedisServer server)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        await admin.GetDatabase().HashSetAsync("afm:item:1", "year", "1995");
    }

    private static async Task<FeatureLookupResult> WaitUntilNotDegradedAsync(RedisFeatureStore store)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await store.GetAsync(Lookup, CancellationToken.None);
            if (!result.Degraded)
                return result;
            Assert.True(clock.Elapsed < RecoveryLimit, $"still degraded after {RecoveryLimit}: {result.DegradedReason}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task GetAsync_RedisStoppedThenRestarted_DegradesQuicklyAndRecoversWithoutANewStore()
    {
        await using var server = await RedisServer.StartAsync();
        await SeedAsync(server);
        var options = new FeatureStoreOptions { Redis = server.ConnectionString, TimeoutMilliseconds = 200 };
        await using var store = await RedisFeatureStore.ConnectAsync(options);
        var before = await WaitUntilNotDegradedAsync(store);

        server.Stop();
        var clock = Stopwatch.StartNew();
        var down = await store.GetAsync(Lookup, CancellationToken.None);
        var elapsed = clock.Elapsed;

        Assert.Equal("1995", before.Items[0]![0]);
        Assert.True(down.Degraded);
        Assert.False(string.IsNullOrEmpty(down.DegradedReason));
        Assert.Null(down.Items[0]);
        Assert.True(elapsed < options.Timeout + Margin, $"degraded answer took {elapsed}");
        Assert.True(store.DegradedCount >= 1);

        await server.Start();
        await SeedAsync(server); // no persistence: the restarted server is empty
        var after = await WaitUntilNotDegradedAsync(store);
        Assert.Equal("1995", after.Items[0]![0]);
        Assert.True(store.GetHealth().Healthy);
    }

    [Fact]
    public async Task Connect_RedisDownAtStart_StartsDegradedAndRecoversWhenRedisComesUp()
    {
        await using var server = await RedisServer.StartAsync();
        server.Stop();
        var options = new FeatureStoreOptions { Redis = server.ConnectionString + ",connectTimeout=1000", TimeoutMilliseconds = 200 };

        await using var store = await RedisFeatureStore.ConnectAsync(options);
        var down = await store.GetAsync(Lookup, CancellationToken.None);
        var health = store.GetHealth();

        Assert.True(down.Degraded);
        Assert.False(health.Healthy);
        Assert.Contains("not connected", health.Detail, StringComparison.Ordinal);

        await server.Start();
        await SeedAsync(server);
        var up = await WaitUntilNotDegradedAsync(store);
        Assert.Equal("1995", up.Items[0]![0]);
    }

    [Fact]
    public async Task GetAsync_RedisPaused_ReturnsDegradedWithinTheBudgetAndRecoversOnResume()
    {
        await using var server = await RedisServer.StartAsync();
        await SeedAsync(server);
        var options = new FeatureStoreOptions { Redis = server.ConnectionString, TimeoutMilliseconds = 100 };
        await using var store = await RedisFeatureStore.ConnectAsync(options);
        await WaitUntilNotDegradedAsync(store);

        server.Pause();
        FeatureLookupResult paused;
        TimeSpan elapsed;
        try
        {
            var clock = Stopwatch.StartNew();
            paused = await store.GetAsync(Lookup, CancellationToken.None);
            elapsed = clock.Elapsed;
        }
        finally
        {
            server.Resume();
        }

        Assert.True(paused.Degraded);
        Assert.Equal("redis timeout", paused.DegradedReason);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(90), $"answered in {elapsed}: was the server really paused?");
        Assert.True(elapsed < options.Timeout + Margin, $"degraded answer took {elapsed}");
        var resumed = await WaitUntilNotDegradedAsync(store);
        Assert.Equal("1995", resumed.Items[0]![0]);
    }

    [Fact]
    public async Task GetAsync_RedisPausedAndCallerCancels_ThrowsPromptly()
    {
        await using var server = await RedisServer.StartAsync();
        var options = new FeatureStoreOptions { Redis = server.ConnectionString, TimeoutMilliseconds = 30_000 };
        await using var store = await RedisFeatureStore.ConnectAsync(options);
        await WaitUntilNotDegradedAsync(store);

        server.Pause();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetAsync(Lookup, cts.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100) + Margin, $"cancellation took {clock.Elapsed}");
        }
        finally
        {
            server.Resume();
        }
    }

    [Fact]
    public async Task GetHealth_PasswordProtectedRedis_NeverShowsThePassword()
    {
        const string Password = "s3cret-Pa55word";
        await using var server = await RedisServer.StartAsync("--requirepass", Password);
        var options = new FeatureStoreOptions { Redis = $"{server.ConnectionString},password={Password}", TimeoutMilliseconds = 2000 };
        await using var store = await RedisFeatureStore.ConnectAsync(options);
        var up = store.GetHealth();

        server.Stop();
        var clock = Stopwatch.StartNew();
        while (store.GetHealth().Healthy && clock.Elapsed < RecoveryLimit)
            await Task.Delay(50);
        var down = store.GetHealth();
        var degraded = await store.GetAsync(Lookup, CancellationToken.None);

        Assert.True(up.Healthy, up.Detail);
        Assert.False(down.Healthy);
        Assert.DoesNotContain(Password, up.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, down.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, degraded.DegradedReason ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_ManyDegradedLookups_WarnsAtMostOncePer10Seconds()
    {
        await using var server = await RedisServer.StartAsync();
        var time = new FakeTimeProvider();
        var logger = new ListLogger<RedisFeatureStore>();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisFeatureStore.CreateConfiguration(server.ConnectionString));
        await using var store = new RedisFeatureStore(connection, new FeatureStoreOptions { TimeoutMilliseconds = 200 }, logger, time);
        server.Stop();
        // Wait until the client notices the closed socket, so lookups fail fast (no timer needed on the fake clock).
        var clock = Stopwatch.StartNew();
        while (connection.IsConnected && clock.Elapsed < RecoveryLimit)
            await Task.Delay(20);

        for (int i = 0; i < 5; i++)
            Assert.True((await store.GetAsync(Lookup, CancellationToken.None)).Degraded);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.True((await store.GetAsync(Lookup, CancellationToken.None)).Degraded);
        int warningsWithin10s = Degraded(logger).Count;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await store.GetAsync(Lookup, CancellationToken.None)).Degraded);

        var warnings = Degraded(logger);
        Assert.Equal(1, warningsWithin10s);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("5 similar warnings suppressed", warnings[1], StringComparison.Ordinal);
        Assert.Equal(7, store.DegradedCount);
    }

    private static List<string> Degraded(ListLogger<RedisFeatureStore> logger) =>
        logger.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Feature store degraded", StringComparison.Ordinal))
            .Select(e => e.Message).ToList();
}
