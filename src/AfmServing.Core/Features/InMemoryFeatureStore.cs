using System.Globalization;

namespace AfmServing.Core.Features;

/// <summary>
/// The embedded feature store: entities held in process memory, keyed by entity (<c>user</c>, <c>item</c>) and
/// id, answering exactly as <see cref="Redis.RedisFeatureStore"/> does for the same data (an entity with none
/// of the asked fields is unknown: null). Never degraded. Built by <see cref="InMemoryFeatureStoreFactory"/>.
/// </summary>
public sealed class InMemoryFeatureStore : IFeatureStore
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> None =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _users;
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _items;

    /// <param name="entities">entity name → (id → feature name → raw value); only <c>user</c> and <c>item</c> are read.</param>
    public InMemoryFeatureStore(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        _users = entities.GetValueOrDefault(Manifest.FieldSources.User) ?? None;
        _items = entities.GetValueOrDefault(Manifest.FieldSources.Item) ?? None;
    }

    /// <summary>A store with no entities: every lookup is a cold start.</summary>
    public static InMemoryFeatureStore Empty { get; } = new(new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>());

    public string Name => "memory";

    public int UserCount => _users.Count;

    public int ItemCount => _items.Count;

    public ValueTask<FeatureLookupResult> GetAsync(FeatureLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        cancellationToken.ThrowIfCancellationRequested();
        string?[]? user = string.IsNullOrEmpty(lookup.UserId) ? null : Values(_users, lookup.UserId, lookup.UserFields);
        var items = new string?[]?[lookup.ItemIds.Count];
        for (int i = 0; i < items.Length; i++)
        {
            string? id = lookup.ItemIds[i];
            if (!string.IsNullOrEmpty(id))
                items[i] = Values(_items, id, lookup.ItemFields);
        }
        return ValueTask.FromResult(new FeatureLookupResult(user, items, degraded: false));
    }

    public FeatureStoreHealth GetHealth() =>
        new(Name, true, string.Create(CultureInfo.InvariantCulture, $"in-memory: {_users.Count} users, {_items.Count} items"));

    private static string?[]? Values(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> entities, string id, IReadOnlyList<string> fields)
    {
        if (!entities.TryGetValue(id, out var features))
            return null;
        string?[]? values = null;
        for (int f = 0; f < fields.Count; f++)
        {
            if (!features.TryGetValue(fields[f], out var v))
                continue;
            values ??= new string?[fields.Count];
            values[f] = v;
        }
        return values;
    }
}
