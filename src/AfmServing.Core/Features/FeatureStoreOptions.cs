namespace AfmServing.Core.Features;

/// <summary>
/// Feature store settings (configuration section <c>FeatureStore</c>). Validated at start-up by
/// <see cref="FeatureStoreOptionsValidator"/>.
/// </summary>
public sealed class FeatureStoreOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "FeatureStore";

    /// <summary>
    /// StackExchange.Redis connection string (e.g. <c>redis:6379,password=...</c>). Empty (the default) means
    /// no Redis: the embedded in-memory store loaded from the model's entity files serves.
    /// </summary>
    public string Redis { get; set; } = "";

    /// <summary>Prefix of every key: entity hashes live at <c>&lt;prefix&gt;&lt;entity&gt;:&lt;id&gt;</c>. Default <c>afm:</c>.</summary>
    public string KeyPrefix { get; set; } = "afm:";

    /// <summary>
    /// Budget for one lookup (user plus all candidates), in milliseconds; past it the lookup returns a degraded
    /// result and scoring goes on with the request's own features. Default 20 ms: a local or same-zone fetch of
    /// 1 user + 100 items takes well under 1 ms (docs/PERFORMANCE.md), so 20 ms only trips on a real stall
    /// (server paused, network loss, full failover), yet keeps the store from eating a scoring SLO of tens of ms.
    /// Range 1..60000.
    /// </summary>
    public int TimeoutMilliseconds { get; set; } = 20;

    /// <summary>Keep recently fetched entities in process memory. Default false (every lookup reads Redis).</summary>
    public bool CacheEnabled { get; set; }

    /// <summary>
    /// How long a cached entity (including "unknown") is served before Redis is asked again, in milliseconds.
    /// Default 1000 ms: hot items are shared by many requests per second, while a reload shows up within a second.
    /// Range 1..3600000.
    /// </summary>
    public int CacheTtlMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Most entities (users plus items) the cache holds; the least recently used is evicted past it.
    /// Default 100000 (a few tens of MiB for entities of a handful of short fields). Range 1..10000000.
    /// </summary>
    public int CacheMaxEntities { get; set; } = 100_000;

    /// <summary>The per-lookup budget as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMilliseconds);

    /// <summary>The cache time to live as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan CacheTtl => TimeSpan.FromMilliseconds(CacheTtlMilliseconds);
}
