namespace AfmServing.Core.Scoring;

/// <summary>Why a score request failed; each maps to one gRPC status and one HTTP status.</summary>
public enum ScoringErrorCode
{
    /// <summary>Bad request: INVALID_ARGUMENT / 400.</summary>
    InvalidArgument,

    /// <summary>Unknown model: NOT_FOUND / 404.</summary>
    NotFound,

    /// <summary>Queue full: RESOURCE_EXHAUSTED / 429 with Retry-After.</summary>
    ResourceExhausted,

    /// <summary>Deadline passed before the rows were scored: DEADLINE_EXCEEDED / 504.</summary>
    DeadlineExceeded,

    /// <summary>No model ready or the service is stopping: UNAVAILABLE / 503.</summary>
    Unavailable,

    /// <summary>The caller went away: CANCELLED / 499.</summary>
    Cancelled,
}

/// <summary>A scoring failure whose message is safe to show to the caller (names the field and the reason).</summary>
public sealed class ScoringException : Exception
{
    public ScoringException(ScoringErrorCode code, string message, TimeSpan? retryAfter = null)
        : base(message)
    {
        Code = code;
        RetryAfter = retryAfter;
    }

    public ScoringException()
    {
    }

    public ScoringException(string message)
        : base(message)
    {
    }

    public ScoringException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ScoringErrorCode Code { get; }

    /// <summary>For <see cref="ScoringErrorCode.ResourceExhausted"/>: when the caller may retry.</summary>
    public TimeSpan? RetryAfter { get; }

    public static ScoringException Invalid(string field, string reason) => new(ScoringErrorCode.InvalidArgument, $"{field}: {reason}");
}
