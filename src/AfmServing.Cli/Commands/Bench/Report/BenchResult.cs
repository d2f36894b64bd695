using System.Text.Json.Serialization;
using HdrHistogram;

namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Mean, long Count)
{
    /// <summary>From a histogram recorded in microseconds; null when it holds nothing.</summary>
    public static LatencySummary? FromMicros(HistogramBase? histogram)
    {
        if (histogram is null || histogram.TotalCount == 0)
            return null;
        return new LatencySummary(
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            Math.Round(histogram.GetMean() / 1000.0, 4),
            histogram.TotalCount);
    }

    private static double Ms(long micros) => micros / 1000.0;
}

/// <summary>One measured configuration: a load run against the service, or an in-process ONNX Runtime run.</summary>
public sealed class BenchResult
{
    /// <summary>A or B in a comparison; the configuration's short description.</summary>
    public required string Label { get; init; }

    /// <summary><c>service</c> or <c>in-process</c>.</summary>
    public required string Kind { get; init; }

    public string? Protocol { get; init; }
    public string? Mode { get; init; }
    public int? Concurrency { get; init; }
    public double? TargetRate { get; init; }

    /// <summary>Candidates per request (service) or rows per model run (in-process).</summary>
    public int Candidates { get; init; }

    /// <summary><c>request</c> or <c>ids</c> (service only).</summary>
    public string? Features { get; init; }

    /// <summary>Measured windows pooled into this result (interleaved with the other configuration's).</summary>
    public int Repeats { get; init; } = 1;

    public double WarmupSeconds { get; init; }

    /// <summary>The measured window, from its start to the last answer of a request sent inside it.</summary>
    public double WindowSeconds { get; init; }

    /// <summary>Requests (service) or model runs (in-process) in the window.</summary>
    public long Requests { get; init; }
    public long Successes { get; init; }

    /// <summary>Successes whose reply said features_degraded (scored without the feature store).</summary>
    public long Degraded { get; init; }
    public double RequestsPerSecond { get; init; }

    /// <summary>Scored candidates (service) or rows (in-process) per second: the comparable throughput.</summary>
    public double CandidatesPerSecond { get; init; }

    /// <summary>Of successful requests (service) or of model runs (in-process).</summary>
    public LatencySummary? Latency { get; init; }

    public SortedDictionary<string, long> Errors { get; init; } = [];

    /// <summary>From the server's /metrics over the window; null when it could not be read.</summary>
    public ServerBatchStats? Server { get; init; }

    public CpuUse? Cpu { get; init; }

    /// <summary>Open loop: how late sends left against their schedule (already part of every latency).</summary>
    public LatencySummary? DispatchLag { get; init; }

    /// <summary>Server configuration overrides this run used (when the bench started the server).</summary>
    public SortedDictionary<string, string>? ServerSettings { get; init; }

    /// <summary>In-process: intra-op threads per session run and concurrent runs.</summary>
    public int? IntraOpThreads { get; init; }
    public int? Parallel { get; init; }
    public string? Provider { get; init; }
}

/// <summary>
/// A ÷ B of the headline figures of a comparison (of the pooled results), and the candidates/s ratio of each
/// interleaved pair of windows, whose spread shows how much the machine's other load moved the figure.
/// </summary>
public sealed record BenchRatios(double? RequestsPerSecond, double? CandidatesPerSecond, double? P50, double? P99)
{
    public List<double> CandidatesPerSecondByRepeat { get; init; } = [];

    public static BenchRatios Of(BenchResult a, BenchResult b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new BenchRatios(
            Div(a.RequestsPerSecond, b.RequestsPerSecond),
            Div(a.CandidatesPerSecond, b.CandidatesPerSecond),
            Div(a.Latency?.P50, b.Latency?.P50),
            Div(a.Latency?.P99, b.Latency?.P99));
    }

    private static double? Div(double? a, double? b) => a is { } x && b is { } y && y > 0 ? Math.Round(x / y, 3) : null;
}

/// <summary>What <c>--out</c> writes: the invocation, the machine, every run and, for a comparison, A ÷ B.</summary>
public sealed class BenchReport
{
    public required string Command { get; init; }
    public required MachineInfo Machine { get; init; }
    public List<BenchResult> Runs { get; init; } = [];
    public BenchRatios? Ratios { get; set; }
    public List<SweepSeries>? Sweep { get; init; }
}

public sealed record MachineInfo(int ProcessorCount, string Os, string Runtime, DateTimeOffset StartedAt)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);
}

/// <summary>One configuration's open-loop runs over increasing rates.</summary>
public sealed class SweepSeries
{
    public required string Label { get; init; }
    public List<BenchResult> Points { get; init; } = [];
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
