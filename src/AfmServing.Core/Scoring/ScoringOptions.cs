using System.ComponentModel.DataAnnotations;

namespace AfmServing.Core.Scoring;

/// <summary>Request limits and defaults (configuration section <c>Scoring</c>).</summary>
public sealed class ScoringOptions
{
    public const string SectionName = "Scoring";

    /// <summary>Most candidates in one request. Default 1000.</summary>
    [Range(1, 100_000)]
    public int MaxCandidates { get; set; } = 1000;

    /// <summary>Attention pairs returned per candidate with explain=true. Default 5.</summary>
    [Range(1, 1000)]
    public int ExplainTopPairs { get; set; } = 5;

    /// <summary>Deadline applied when the caller sets none (REST, or gRPC without a deadline), in milliseconds. Default 1000.</summary>
    [Range(1, 600_000)]
    public int DefaultTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>Longest accepted string value, in characters. Default 1024.</summary>
    [Range(1, 1_000_000)]
    public int MaxValueLength { get; set; } = 1024;
}
