namespace AfmServing.Core.Features.Caching;

/// <summary>
/// A small in-process cache of entity feature values in front of a remote store: entries expire after a fixed
/// time to live (read from an injected <see cref="TimeProvider"/>) and the least recently used entry is evicted
/// once <c>maxEntities</c> are held. "Unknown entity" (null values) is cached too, so a cold-start id does not
/// hit the store on every request. Thread-safe; one lock, O(1) per operation.
/// </summary>
public sealed class EntityFeatureCache
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _map;
    private readonly LinkedList<Entry> _lru = new(); // most recently used first
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly int _maxEntities;

    public EntityFeatureCache(int maxEntities, TimeSpan ttl, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntities, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _maxEntities = maxEntities;
        _ttlTicks = (long)(ttl.TotalSeconds * timeProvider.TimestampFrequency);
        _map = new Dictionary<string, LinkedListNode<Entry>>(Math.Min(maxEntities, 1024), StringComparer.Ordinal);
    }

    /// <summary>Entities held now (expired ones included until they are looked up or evicted).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _map.Count;
        }
    }

    /// <summary>
    /// Looks up <paramref name="key"/> cached for the same <paramref name="fields"/>. On a hit
    /// <paramref name="values"/> is a fresh copy (callers may keep or change it) or null for an unknown entity.
    /// </summary>
    public bool TryGet(string key, IReadOnlyList<string> fields, out string?[]? values)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                var e = node.Value;
                if (now - e.StoredAt >= _ttlTicks)
                {
                    _lru.Remove(node);
                    _map.Remove(key);
                }
                else if (SameFields(e.Fields, fields))
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    values = e.Values is null ? null : (string?[])e.Values.Clone();
                    return true;
                }
            }
        }
        values = null;
        return false;
    }

    /// <summary>Stores a copy of <paramref name="values"/> (null = unknown entity) for <paramref name="fields"/>.</summary>
    public void Set(string key, IReadOnlyList<string> fields, string?[]? values)
    {
        var entry = new Entry(key, fields, values is null ? null : (string?[])values.Clone(), _time.GetTimestamp());
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                existing.Value = entry;
                _lru.Remove(existing);
                _lru.AddFirst(existing);
                return;
            }
            if (_map.Count >= _maxEntities)
            {
                var last = _lru.Last!;
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
            }
            _map[key] = _lru.AddFirst(entry);
        }
    }

    private static bool SameFields(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a.Count != b.Count)
            return false;
        for (int i = 0; i < a.Count; i++)
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
                return false;
        return true;
    }

    private sealed record Entry(string Key, IReadOnlyList<string> Fields, string?[]? Values, long StoredAt);
}
