using System.Diagnostics;

namespace AfmServing.Core.Telemetry;

/// <summary>The one place telemetry names are defined: the ActivitySource and Meter names and span names.</summary>
public static class AfmTelemetry
{
    /// <summary>Name of the ActivitySource and of the Meter.</summary>
    public const string Name = "AfmServing";

    public static readonly ActivitySource ActivitySource = new(Name);

    public const string ScoreSpan = "afm.score";
    public const string FeatureLookupSpan = "afm.feature_lookup";
    public const string QueueWaitSpan = "afm.queue_wait";
    public const string InferenceSpan = "afm.inference";
}
