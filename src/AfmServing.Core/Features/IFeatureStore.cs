namespace AfmServing.Core.Features;

/// <summary>
/// Supplies stored entity features (raw strings, numbers in invariant culture) for a request's user and
/// candidate items. Implementations never throw for an unreachable backend: they return a degraded result.
/// </summary>
public interface IFeatureStore
{
    /// <summary>Short name for logs, metrics and health: <c>memory</c> or <c>redis</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Fetches <paramref name="lookup"/>'s user and items in one round trip. An unknown entity is not an
    /// error (cold start): its values are null. Cancellation is honoured.
    /// </summary>
    ValueTask<FeatureLookupResult> GetAsync(FeatureLookup lookup, CancellationToken cancellationToken);

    /// <summary>Current state for readiness details.</summary>
    FeatureStoreHealth GetHealth();
}

/// <summary>What to fetch: the user's and items' fields the model sources from the store.</summary>
/// <param name="UserId">The user, or null/empty for none.</param>
/// <param name="ItemIds">One entry per candidate (null/empty for none), in request order.</param>
/// <param name="UserFields">Field names sourced from <c>user</c>.</param>
/// <param name="ItemFields">Field names sourced from <c>item</c>.</param>
public sealed record FeatureLookup(
    string? UserId,
    IReadOnlyList<string?> ItemIds,
    IReadOnlyList<string> UserFields,
    IReadOnlyList<string> ItemFields);

/// <summary>
/// Result of a lookup: values aligned with <see cref="FeatureLookup.UserFields"/> and
/// <see cref="FeatureLookup.ItemFields"/>; null means not stored.
/// </summary>
public sealed class FeatureLookupResult
{
    public FeatureLookupResult(string?[]? user, string?[]?[] items, bool degraded, string? degradedReason = null)
    {
        User = user;
        Items = items;
        Degraded = degraded;
        DegradedReason = degradedReason;
    }

    /// <summary>The user's values, or null when there is no user or it is unknown.</summary>
    public string?[]? User { get; }

    /// <summary>Per candidate: its item's values, or null when unknown.</summary>
    public string?[]?[] Items { get; }

    /// <summary>True when the store could not be read (down, slow): scores use request features only.</summary>
    public bool Degraded { get; }

    public string? DegradedReason { get; }

    public static FeatureLookupResult Empty(int items, bool degraded, string? reason = null) =>
        new(null, new string?[]?[items], degraded, reason);
}

/// <summary>Store state shown in readiness details.</summary>
/// <param name="Store">Store name.</param>
/// <param name="Healthy">Whether the backend answers.</param>
/// <param name="Detail">Human-readable state, never a secret.</param>
public sealed record FeatureStoreHealth(string Store, bool Healthy, string Detail);
