using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>
/// Latencies of successful calls (HdrHistogram, microseconds, 3 significant digits, up to 10 minutes) and the
/// count of every outcome by status. Safe to record from many threads at once.
/// </summary>
public sealed class LatencyRecorder
{
    public const string Ok = "OK";

    /// <summary>A success scored without the feature store (the reply says features_degraded).</summary>
    public const string OkDegraded = "OK, features degraded";
    private const long HighestMicros = 600_000_000;

    private readonly LongConcurrentHistogram _latency = new(1, HighestMicros, 3);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _successes;
    private long _degraded;

    public long Successes => Interlocked.Read(ref _successes);

    /// <summary>Successes whose reply said the feature store was not used (Redis slow or down).</summary>
    public long Degraded => Interlocked.Read(ref _degraded);

    public long ErrorCount
    {
        get
        {
            long n = 0;
            foreach (var (_, count) in _errors)
                n += count;
            return n;
        }
    }

    public HistogramBase Histogram => _latency;

    /// <summary>Errors by status (gRPC status name, <c>HTTP nnn</c>, or a client-side reason).</summary>
    public IReadOnlyDictionary<string, long> Errors => new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);

    /// <summary>Records one call that took <paramref name="elapsedTicks"/> Stopwatch ticks and ended with <paramref name="status"/>.</summary>
    public void Record(string status, long elapsedTicks)
    {
        bool degraded = ReferenceEquals(status, OkDegraded);
        if (ReferenceEquals(status, Ok) || degraded || status == Ok)
        {
            Interlocked.Increment(ref _successes);
            if (degraded)
                Interlocked.Increment(ref _degraded);
            _latency.RecordValue(Math.Clamp(ToMicros(elapsedTicks), 1, HighestMicros));
        }
        else
        {
            _errors.AddOrUpdate(status, 1, static (_, n) => n + 1);
        }
    }

    public static long ToMicros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
