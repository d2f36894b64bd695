using AfmServing.Core.Features.Caching;
using Microsoft.Extensions.Time.Testing;

namespace AfmServing.Core.Tests.Features.Caching;

public sealed class EntityFeatureCacheTests
{
    private static readonly string[] Fields = ["age", "gender"];
    private readonly FakeTimeProvider _time = new();

    private EntityFeatureCache NewCache(int max = 10, int ttlMs = 1000) => new(max, TimeSpan.FromMilliseconds(ttlMs), _time);

    [Fact]
    public void TryGet_WithinTtl_ReturnsTheStoredValues()
    {
        var cache = NewCache();
        cache.Set("afm:user:1", Fields, ["24", "M"]);
        _time.Advance(TimeSpan.FromMilliseconds(999));

        Assert.True(cache.TryGet("afm:user:1", Fields, out var values));
        Assert.Equal(new string?[] { "24", "M" }, values);
    }

    [Fact]
    public void TryGet_AtTtl_Misses()
    {
        var cache = NewCache();
        cache.Set("afm:user:1", Fields, ["24", "M"]);
        _time.Advance(TimeSpan.FromMilliseconds(1000));

        Assert.False(cache.TryGet("afm:user:1", Fields, out var values));
        Assert.Null(values);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryGet_UnknownEntityCached_HitsWithNull()
    {
        var cache = NewCache();
        cache.Set("afm:user:404", Fields, null);

        Assert.True(cache.TryGet("afm:user:404", Fields, out var values));
        Assert.Null(values);
    }

    [Fact]
    public void TryGet_OtherFieldList_Misses()
    {
        var cache = NewCache();
        cache.Set("afm:user:1", Fields, ["24", "M"]);

        Assert.False(cache.TryGet("afm:user:1", ["age"], out _));
        Assert.True(cache.TryGet("afm:user:1", ["age", "gender"], out _)); // equal content, other list instance
    }

    [Fact]
    public void Set_PastMaxEntities_EvictsTheLeastRecentlyUsed()
    {
        var cache = NewCache(max: 3);
        cache.Set("a", Fields, ["1", null]);
        cache.Set("b", Fields, ["2", null]);
        cache.Set("c", Fields, ["3", null]);
        Assert.True(cache.TryGet("a", Fields, out _)); // a is now the most recently used

        cache.Set("d", Fields, ["4", null]);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", Fields, out _));
        Assert.True(cache.TryGet("a", Fields, out _));
        Assert.True(cache.TryGet("c", Fields, out _));
        Assert.True(cache.TryGet("d", Fields, out _));
    }

    [Fact]
    public void TryGet_CallerChangesReturnedArray_CacheKeepsItsCopy()
    {
        var cache = NewCache();
        var stored = new string?[] { "24", "M" };
        cache.Set("k", Fields, stored);
        stored[0] = "changed";
        cache.TryGet("k", Fields, out var first);
        first![1] = "changed";

        cache.TryGet("k", Fields, out var second);

        Assert.Equal(new string?[] { "24", "M" }, second);
    }

    [Fact]
    public void Set_ExistingKey_ReplacesAndRestartsTtl()
    {
        var cache = NewCache();
        cache.Set("k", Fields, ["1", null]);
        _time.Advance(TimeSpan.FromMilliseconds(800));
        cache.Set("k", Fields, ["2", null]);
        _time.Advance(TimeSpan.FromMilliseconds(800));

        Assert.True(cache.TryGet("k", Fields, out var values));
        Assert.Equal("2", values![0]);
        Assert.Equal(1, cache.Count);
    }
}
