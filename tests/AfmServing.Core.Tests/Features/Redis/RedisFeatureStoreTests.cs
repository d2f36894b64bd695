using AfmServing.Core.Features;
using AfmServing.Core.Features.Loading;
using AfmServing.Core.Features.Redis;
using AfmServing.TestSupport;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AfmServing.Core.Tests.Features.Redis;

/// <summary>Lookups against a healthy real redis-server shared by the class (each test uses its own key prefix).</summary>
public sealed class RedisFeatureStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly string[] UserFields = ["user", "age", "gender", "occupation", "zip_prefix"];
    private static readonly string[] ItemFields = ["item", "year", "genres"];

    // Generous budget: these tests check answers, not speed, and must not flake on a busy CI machine.
    private FeatureStoreOptions Options(string prefix) =>
        new() { Redis = redis.ConnectionString, KeyPrefix = prefix, TimeoutMilliseconds = 5000 };

    private static string NewPrefix() => $"t{Guid.NewGuid():N}:";

    private async Task LoadMovieLensAsync(IConnectionMultiplexer connection, string prefix)
    {
        var loader = new FeatureLoader(connection);
        var users = await loader.LoadAsync(new FeatureLoadRequest { Path = MovieLensEntityFiles.Users, Entity = "user", KeyPrefix = prefix });
        var items = await loader.LoadAsync(new FeatureLoadRequest { Path = MovieLensEntityFiles.Items, Entity = "item", KeyPrefix = prefix });
        Assert.Equal((MovieLensEntityFiles.UserCount, 0L), (users.Rows, users.BadRows));
        Assert.Equal((MovieLensEntityFiles.ItemCount, 0L), (items.Rows, items.BadRows));
    }

    [Fact]
    public async Task GetAsync_MovieLensData_ReturnsWhatTheInMemoryStoreReturns()
    {
        string prefix = NewPrefix();
        await using var store = await RedisFeatureStore.ConnectAsync(Options(prefix));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await LoadMovieLensAsync(admin, prefix);
        var memory = InMemoryFeatureStoreFactory.LoadFiles(new Dictionary<string, string>
        {
            ["user"] = MovieLensEntityFiles.Users,
            ["item"] = MovieLensEntityFiles.Items,
        });

        int compared = 0;
        for (int u = 1; u <= MovieLensEntityFiles.UserCount + 2; u += 7)
        {
            // 100 candidates: a sliding window of real items plus unknown ids and an empty slot.
            var itemIds = new string?[100];
            for (int i = 0; i < itemIds.Length; i++)
                itemIds[i] = ((u * 13 + i * 17) % (MovieLensEntityFiles.ItemCount + 5) + 1).ToString();
            itemIds[50] = null;
            itemIds[51] = "no-such-item";
            var lookup = new FeatureLookup(u.ToString(), itemIds, UserFields, ItemFields);

            var expected = await memory.GetAsync(lookup, CancellationToken.None);
            var actual = await store.GetAsync(lookup, CancellationToken.None);

            Assert.False(actual.Degraded, actual.DegradedReason);
            Assert.Equal(expected.User, actual.User);
            Assert.Equal(expected.Items.Length, actual.Items.Length);
            for (int i = 0; i < expected.Items.Length; i++)
                Assert.Equal(expected.Items[i], actual.Items[i]);
            compared++;
        }
        Assert.True(compared > 100);
    }

    [Fact]
    public async Task GetAsync_KnownUserAndItem_ReturnsTheirMovieLensValues()
    {
        string prefix = NewPrefix();
        await using var store = await RedisFeatureStore.ConnectAsync(Options(prefix));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await LoadMovieLensAsync(admin, prefix);

        // u.user line 1: 1|24|M|technician|85711; u.item line 1: Toy Story (1995), Animation|Children's|Comedy.
        var result = await store.GetAsync(new FeatureLookup("1", ["1"], UserFields, ItemFields), CancellationToken.None);

        Assert.Equal(new string?[] { "1", "24", "M", "technician", "857" }, result.User);
        Assert.Equal(new string?[] { "1", "1995", "Animation|Children's|Comedy" }, result.Items[0]);
    }

    [Fact]
    public async Task GetAsync_UnknownUserAndItems_ReturnsNullsNotDegraded()
    {
        string prefix = NewPrefix();
        await using var store = await RedisFeatureStore.ConnectAsync(Options(prefix));

        var result = await store.GetAsync(new FeatureLookup("nobody", ["x", "y"], UserFields, ItemFields), CancellationToken.None);

        Assert.False(result.Degraded);
        Assert.Null(result.DegradedReason);
        Assert.Null(result.User);
        Assert.Equal([null, null], result.Items);
    }

    [Fact]
    public async Task GetAsync_EntityWithSomeFields_ReturnsNullForTheMissingOnes()
    {
        string prefix = NewPrefix();
        await using var store = await RedisFeatureStore.ConnectAsync(Options(prefix));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await admin.GetDatabase().HashSetAsync(prefix + "item:7", [new HashEntry("year", "1999"), new HashEntry("other", "z")]);

        var result = await store.GetAsync(new FeatureLookup(null, ["7"], UserFields, ItemFields), CancellationToken.None);

        Assert.False(result.Degraded);
        Assert.Null(result.User);
        Assert.Equal(new string?[] { null, "1999", null }, result.Items[0]);
    }

    [Fact]
    public async Task GetAsync_NoFieldsFromTheStore_AnswersWithoutError()
    {
        string prefix = NewPrefix();
        await using var store = await RedisFeatureStore.ConnectAsync(Options(prefix));

        // A model whose fields all come from the request: HMGET with no fields would be a Redis error.
        var result = await store.GetAsync(new FeatureLookup("1", ["1", "2"], [], []), CancellationToken.None);

        Assert.False(result.Degraded);
        Assert.Equal(2, result.Items.Length);
    }

    [Fact]
    public async Task GetAsync_CacheEnabled_ServesCachedValueWithinTtlAndRereadsAfter()
    {
        string prefix = NewPrefix();
        var time = new FakeTimeProvider();
        var options = Options(prefix);
        options.CacheEnabled = true;
        options.CacheTtlMilliseconds = 1000;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = admin.GetDatabase();
        await db.HashSetAsync(prefix + "item:1", "year", "1995");
        await using var store = new RedisFeatureStore(admin, options, timeProvider: time);
        var lookup = new FeatureLookup(null, ["1"], UserFields, ItemFields);

        var first = await store.GetAsync(lookup, CancellationToken.None);
        await db.HashSetAsync(prefix + "item:1", "year", "2001");
        time.Advance(TimeSpan.FromMilliseconds(999));
        var cached = await store.GetAsync(lookup, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var reread = await store.GetAsync(lookup, CancellationToken.None);

        Assert.Equal("1995", first.Items[0]![1]);
        Assert.Equal("1995", cached.Items[0]![1]);
        Assert.Equal("2001", reread.Items[0]![1]);
    }

    [Fact]
    public async Task GetAsync_CacheDisabled_ReadsRedisEveryTime()
    {
        string prefix = NewPrefix();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = admin.GetDatabase();
        await db.HashSetAsync(prefix + "item:1", "year", "1995");
        await using var store = new RedisFeatureStore(admin, Options(prefix));
        var lookup = new FeatureLookup(null, ["1"], UserFields, ItemFields);

        var first = await store.GetAsync(lookup, CancellationToken.None);
        await db.HashSetAsync(prefix + "item:1", "year", "2001");
        var second = await store.GetAsync(lookup, CancellationToken.None);

        Assert.Null(store.Cache);
        Assert.Equal(("1995", "2001"), (first.Items[0]![1], second.Items[0]![1]));
    }

    [Fact]
    public async Task GetAsync_CancelledToken_Throws()
    {
        await using var store = await RedisFeatureStore.ConnectAsync(Options(NewPrefix()));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await store.GetAsync(new FeatureLookup("1", ["1"], UserFields, ItemFields), cts.Token));
    }

    [Fact]
    public async Task GetHealth_Connected_ReportsHealthyWithTheEndpoint()
    {
        await using var store = await RedisFeatureStore.ConnectAsync(Options(NewPrefix()));

        var health = store.GetHealth();

        Assert.Equal(("redis", true), (health.Store, health.Healthy));
        Assert.Contains(redis.Server.Port.ToString(), health.Detail, StringComparison.Ordinal);
    }
}
