using System.Diagnostics;
using AfmServing.Cli.Commands.Bench.Report;
using AfmServing.Core.Encoding;
using AfmServing.Core.Inference;
using AfmServing.Core.Manifest;
using AfmServing.Training.Data;
using HdrHistogram;
using Microsoft.Extensions.Logging.Abstractions;

namespace AfmServing.Cli.Commands.Bench.InProcess;

/// <summary>Settings of an in-process run.</summary>
/// <param name="ModelDirectory">A model version directory (model.onnx, manifest.json).</param>
/// <param name="DataFile">libFM rows whose tokens follow the manifest's fields in order (Frappe).</param>
/// <param name="Batch">Rows per model run.</param>
/// <param name="IntraOpThreads">ONNX Runtime intra-op threads of the session.</param>
/// <param name="Parallel">Threads calling the one session at once (as the service's batch workers do).</param>
/// <param name="Warmup">Unrecorded runs before each window.</param>
/// <param name="Duration">Measured window.</param>
/// <param name="Provider">auto, cpu or cuda.</param>
public sealed record OnnxRunSettings(string ModelDirectory, string DataFile, int Batch, int IntraOpThreads, int Parallel, TimeSpan Warmup, TimeSpan Duration, string Provider = "cpu");

/// <summary>
/// Raw ONNX Runtime throughput of a model with no network, no request mapping and no batcher: the session the
/// service uses (Core's <see cref="OnnxRowScorer"/> and <see cref="SessionOptionsFactory"/>), fed pre-encoded
/// real rows in fixed batches from <c>Parallel</c> threads. This is the ceiling the service is measured against.
/// </summary>
public sealed class OnnxTarget : IBenchTarget
{
    private const int DistinctBatches = 64;
    private readonly OnnxRowScorer _scorer;
    private readonly long[][] _ids;
    private readonly float[][] _values;

    private OnnxTarget(OnnxRunSettings settings, OnnxRowScorer scorer, long[][] ids, float[][] values)
    {
        Settings = settings;
        _scorer = scorer;
        _ids = ids;
        _values = values;
    }

    public OnnxRunSettings Settings { get; }

    public string Label => $"in-process ONNX, batch {Settings.Batch}, {Settings.Parallel}×{Settings.IntraOpThreads} threads";

    /// <summary>Called about every 100 ms during a window with rows scored and seconds elapsed in it.</summary>
    public Action<long, double>? Progress { get; set; }

    public static OnnxTarget Open(OnnxRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Parallel, 1);
        string manifestPath = Path.Combine(settings.ModelDirectory, "manifest.json");
        string modelPath = Path.Combine(settings.ModelDirectory, "model.onnx");
        if (!File.Exists(manifestPath) || !File.Exists(modelPath))
            throw new FileNotFoundException($"--model-dir: {settings.ModelDirectory} must hold model.onnx and manifest.json");
        var manifest = ManifestJson.Read(manifestPath);
        var factory = new SessionOptionsFactory(
            new InferenceOptions { Provider = settings.Provider, IntraOpThreads = settings.IntraOpThreads },
            NullLogger<SessionOptionsFactory>.Instance);
        var (ids, values) = EncodeBatches(manifest, settings.DataFile, settings.Batch);
        var scorer = OnnxRowScorer.Open(modelPath, manifest, factory);
        return new OnnxTarget(settings, scorer, ids, values);
    }

    public string Provider => _scorer.Provider;

    public Task PrimeAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        duration <= TimeSpan.Zero ? Task.CompletedTask : Task.Run(() => Run(TimeSpan.Zero, duration, record: false, cancellationToken), cancellationToken);

    public Task<Measurement> MeasureAsync(CancellationToken cancellationToken) =>
        Task.Run(() => Run(Settings.Warmup, Settings.Duration, record: true, cancellationToken), cancellationToken);

    public BenchResult Describe(Measurement measurement, int repeats)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        return new BenchResult
        {
            Label = Label,
            Kind = "in-process",
            Candidates = Settings.Batch,
            Repeats = repeats,
            WarmupSeconds = Settings.Warmup.TotalSeconds,
            WindowSeconds = Math.Round(measurement.WindowSeconds, 3),
            Requests = measurement.Successes,
            Successes = measurement.Successes,
            RequestsPerSecond = Math.Round(measurement.SuccessesPerSecond, 1),
            CandidatesPerSecond = Math.Round(measurement.SuccessesPerSecond * Settings.Batch, 1),
            Latency = LatencySummary.FromMicros(measurement.Latency),
            Cpu = measurement.Cpu,
            IntraOpThreads = Settings.IntraOpThreads,
            Parallel = Settings.Parallel,
            Provider = _scorer.Provider,
        };
    }

    public ValueTask DisposeAsync()
    {
        _scorer.Dispose();
        return ValueTask.CompletedTask;
    }

    private Measurement Run(TimeSpan warmup, TimeSpan duration, bool record, CancellationToken cancellationToken)
    {
        var latency = new LongConcurrentHistogram(1, 600_000_000, 3);
        long runs = 0;
        long start = Stopwatch.GetTimestamp();
        long windowStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        long stop = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long lastEnd = 0;
        int n = Settings.Batch;
        var threads = new Thread[Settings.Parallel];
        for (int t = 0; t < threads.Length; t++)
        {
            int worker = t;
            threads[t] = new Thread(() =>
            {
                var probabilities = new float[n];
                var attention = new float[n * _scorer.PairCount];
                long end = 0;
                for (int k = worker; !cancellationToken.IsCancellationRequested; k += threads.Length)
                {
                    long begin = Stopwatch.GetTimestamp();
                    if (begin >= stop)
                        break;
                    int b = k % _ids.Length;
                    _scorer.Score(_ids[b], _values[b], n, probabilities, attention);
                    end = Stopwatch.GetTimestamp();
                    if (record && begin >= windowStart)
                    {
                        latency.RecordValue(Math.Max(1, LoadTicksToMicros(end - begin)));
                        Interlocked.Increment(ref runs);
                    }
                }
                InterlockedMax(ref lastEnd, end);
            })
            {
                IsBackground = true,
                Name = $"afm-bench-onnx-{worker}",
            };
            threads[t].Start();
        }
        CpuSample? cpuBefore = null;
        while (threads.Any(t => t.IsAlive))
        {
            long now = Stopwatch.GetTimestamp();
            if (cpuBefore is null && now >= windowStart)
                cpuBefore = CpuSample.Take(null);
            if (record && now >= windowStart)
                Progress?.Invoke(Interlocked.Read(ref runs) * n, Stopwatch.GetElapsedTime(windowStart, Math.Min(now, stop)).TotalSeconds);
            Thread.Sleep(100);
        }
        var cpu = cpuBefore is null ? null : CpuSample.Take(null).Since(cpuBefore);
        return new Measurement
        {
            Latency = latency,
            Successes = Interlocked.Read(ref runs),
            WindowSeconds = Stopwatch.GetElapsedTime(windowStart, Math.Max(stop, Interlocked.Read(ref lastEnd))).TotalSeconds,
            RowsPerSuccess = n,
            Cpu = cpu is null ? null : cpu with { Server = null },
        };
    }

    /// <summary>Encodes consecutive rows into up to 64 batches with the model's own field encoders (as the service would).</summary>
    internal static (long[][] Ids, float[][] Values) EncodeBatches(ModelManifest manifest, string dataFile, int batch)
    {
        var encoder = new RowEncoder(manifest);
        int f = encoder.FieldCount;
        var rows = LibFmReader.Read(dataFile, manifest.Fields.ConvertAll(x => x.Name)).Rows;
        if (rows.Count == 0)
            throw new InvalidDataException($"{dataFile}: no rows");
        int count = Math.Clamp(rows.Count / batch, 1, DistinctBatches);
        var ids = new long[count][];
        var values = new float[count][];
        for (int b = 0; b < count; b++)
        {
            ids[b] = new long[batch * f];
            values[b] = new float[batch * f];
            for (int r = 0; r < batch; r++)
            {
                var row = rows[(b * batch + r) % rows.Count];
                for (int j = 0; j < f; j++)
                {
                    var field = encoder.Fields[j];
                    bool ok = field.TryEncodeText(row.Values[j], out long id, out float x, out _);
                    ids[b][r * f + j] = ok ? id : field.MissingId;
                    values[b][r * f + j] = ok ? x : 0f;
                }
            }
        }
        return (ids, values);
    }

    private static long LoadTicksToMicros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Interlocked.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
