using System.ComponentModel.DataAnnotations;

namespace AfmServing.Core.Batching;

/// <summary>Micro-batching settings (configuration section <c>Batching</c>). Defaults measured in docs/PERFORMANCE.md.</summary>
public sealed class BatchingOptions : IValidatableObject
{
    public const string SectionName = "Batching";

    /// <summary>Coalesce rows of concurrent requests into one model run. False runs each request alone. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most rows in one model run; larger requests are split. Default 256 rows.</summary>
    [Range(1, 65536)]
    public int MaxBatchRows { get; set; } = 256;

    /// <summary>Longest a row waits for others while the model is busy, in microseconds. Default 2000 (2 ms).</summary>
    [Range(0, 1_000_000)]
    public int MaxDelayMicroseconds { get; set; } = 2000;

    /// <summary>Most rows waiting; past it requests are rejected with RESOURCE_EXHAUSTED / 429. Default 16384 rows.</summary>
    [Range(1, 10_000_000)]
    public int MaxQueueRows { get; set; } = 16384;

    /// <summary>Model runs that may execute at once. Default 2 (one per core on the reference machine).</summary>
    [Range(1, 256)]
    public int Workers { get; set; } = 2;

    /// <summary>Retry-After given with a queue-full rejection, in milliseconds. Default 100.</summary>
    [Range(1, 60_000)]
    public int RetryAfterMilliseconds { get; set; } = 100;

    public TimeSpan MaxDelay => TimeSpan.FromTicks(MaxDelayMicroseconds * 10L);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxQueueRows < MaxBatchRows)
            yield return new ValidationResult("Batching:MaxQueueRows must be at least Batching:MaxBatchRows", [nameof(MaxQueueRows)]);
    }
}
