using AfmServing.Core.Features;

namespace AfmServing.Core.Scoring;

/// <summary>A score request in transport-neutral form (the gRPC/REST adapter maps into it).</summary>
public sealed class ScoreQuery
{
    public string? Model { get; init; }
    public string? RequestId { get; init; }
    public string? UserId { get; init; }
    public IReadOnlyDictionary<string, FeatureValue> Context { get; init; } = EmptyFeatures;
    public IReadOnlyList<CandidateQuery> Candidates { get; init; } = [];
    public bool Explain { get; init; }

    /// <summary>The caller's deadline (gRPC deadline), or null for the configured default.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public static readonly IReadOnlyDictionary<string, FeatureValue> EmptyFeatures = new Dictionary<string, FeatureValue>();
}

/// <summary>One candidate: its item id and the features the request carries for it.</summary>
public sealed class CandidateQuery
{
    public string? ItemId { get; init; }
    public IReadOnlyDictionary<string, FeatureValue> Features { get; init; } = ScoreQuery.EmptyFeatures;
}

/// <summary>Scores in request order.</summary>
public sealed class ScoreResult
{
    public required string Model { get; init; }
    public required string ModelVersion { get; init; }
    public bool FeaturesDegraded { get; init; }
    public required CandidateResult[] Candidates { get; init; }
}

/// <summary>One candidate's probability and, with explain, its top attention pairs.</summary>
public readonly record struct CandidateResult(string? ItemId, float Probability, PairWeight[]? TopPairs);

/// <summary>An attention weight of the pair of fields (First, Second).</summary>
public readonly record struct PairWeight(string First, string Second, float Weight);
