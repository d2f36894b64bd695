using HdrHistogram;

namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>
/// What one measured window recorded, before it is described as a <see cref="BenchResult"/>. Windows of the same
/// configuration pool into one: histograms add, counts and seconds sum, server and CPU figures weigh by window.
/// </summary>
public sealed class Measurement
{
    /// <summary>Latency of each success (µs).</summary>
    public required HistogramBase Latency { get; init; }
    public long Successes { get; init; }

    /// <summary>Successes scored without the feature store.</summary>
    public long Degraded { get; init; }
    public IReadOnlyDictionary<string, long> Errors { get; init; } = new Dictionary<string, long>();
    public double WindowSeconds { get; init; }

    /// <summary>Rows scored per success: candidates per request, or rows per model run in process.</summary>
    public int RowsPerSuccess { get; init; } = 1;
    public HistogramBase? Lag { get; init; }
    public ServerBatchStats? Server { get; init; }
    public CpuUse? Cpu { get; init; }

    public long ErrorCount => Errors.Values.Sum();
    public double SuccessesPerSecond => WindowSeconds > 0 ? Successes / WindowSeconds : 0;

    public static Measurement Pool(IReadOnlyList<Measurement> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
            throw new ArgumentException("nothing to pool", nameof(parts));
        if (parts.Count == 1)
            return parts[0];
        var latency = new LongHistogram(1, 600_000_000, 3);
        HistogramBase? lag = parts.Any(p => p.Lag is not null) ? new LongHistogram(1, 600_000_000, 3) : null;
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in parts)
        {
            latency.Add(p.Latency);
            if (p.Lag is not null)
                lag!.Add(p.Lag);
            foreach (var (status, n) in p.Errors)
                errors[status] = errors.GetValueOrDefault(status) + n;
        }
        double seconds = parts.Sum(p => p.WindowSeconds);
        return new Measurement
        {
            Latency = latency,
            Successes = parts.Sum(p => p.Successes),
            Degraded = parts.Sum(p => p.Degraded),
            Errors = errors,
            WindowSeconds = seconds,
            RowsPerSuccess = parts[0].RowsPerSuccess,
            Lag = lag,
            Server = PoolServer(parts),
            Cpu = parts.All(p => p.Cpu is not null)
                ? new CpuUse(Weighted(parts, p => p.Cpu!.Client), Weighted(parts, p => p.Cpu!.Server), Weighted(parts, p => p.Cpu!.Machine))
                : null,
        };
    }

    private static ServerBatchStats? PoolServer(IReadOnlyList<Measurement> parts)
    {
        if (parts.Any(p => p.Server is null))
            return null;
        long runs = parts.Sum(p => p.Server!.ModelRuns), rows = parts.Sum(p => p.Server!.Rows);
        double? Mean(Func<ServerBatchStats, double?> pick)
        {
            double sum = 0;
            long weight = 0;
            foreach (var p in parts)
                if (pick(p.Server!) is { } v)
                {
                    sum += v * p.Server!.ModelRuns;
                    weight += p.Server!.ModelRuns;
                }
            return weight > 0 ? sum / weight : null;
        }
        return new ServerBatchStats(runs, rows, runs > 0 ? (double)rows / runs : null, Mean(s => s.MeanInferenceMs), Mean(s => s.MeanQueueWaitMs));
    }

    private static double? Weighted(IReadOnlyList<Measurement> parts, Func<Measurement, double?> pick)
    {
        double sum = 0, seconds = 0;
        foreach (var p in parts)
        {
            if (pick(p) is not { } v)
                return null;
            sum += v * p.WindowSeconds;
            seconds += p.WindowSeconds;
        }
        return seconds > 0 ? sum / seconds : null;
    }
}
