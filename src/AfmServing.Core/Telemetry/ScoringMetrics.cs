using System.Diagnostics.Metrics;

namespace AfmServing.Core.Telemetry;

/// <summary>
/// Every instrument of the service, created once from the host's <see cref="IMeterFactory"/>.
/// Observable gauges read state through the callbacks registered by their owners.
/// </summary>
public sealed class ScoringMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly List<Func<IEnumerable<Measurement<long>>>> _queueDepth = [];
    private readonly Lock _gate = new();
    private Func<IEnumerable<Measurement<long>>>? _modelVersions;
    private string _provider = "cpu";

    public ScoringMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(AfmTelemetry.Name) ?? new Meter(AfmTelemetry.Name);
        Requests = _meter.CreateCounter<long>("afm.requests", "{request}", "Score requests by final status");
        Candidates = _meter.CreateCounter<long>("afm.candidates", "{candidate}", "Candidates scored");
        RequestDuration = _meter.CreateHistogram("afm.request.duration", "s", "End-to-end Score latency", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        QueueWait = _meter.CreateHistogram("afm.queue.wait", "s", "Time rows wait in the batcher queue", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        InferenceDuration = _meter.CreateHistogram("afm.inference.duration", "s", "Duration of one model run", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        BatchRows = _meter.CreateHistogram("afm.batch.rows", "{row}", "Rows per model run", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });
        FeaturesDegraded = _meter.CreateCounter<long>("afm.features.degraded", "{request}", "Requests scored without the feature store");
        ModelLoads = _meter.CreateCounter<long>("afm.model.loads", "{load}", "Model version loads by outcome");
        _meter.CreateObservableGauge("afm.queue.depth", ObserveQueueDepth, "{row}", "Rows waiting in batcher queues");
        _meter.CreateObservableGauge("afm.execution_provider", () => new Measurement<int>(1, new KeyValuePair<string, object?>("provider", _provider)), "{provider}", "Active ONNX Runtime execution provider (value 1, label provider)");
        _meter.CreateObservableGauge("afm.model.served", ObserveModels, "{model}", "Served model version (value 1, labels model and version)");
    }

    private static readonly double[] LatencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    public Counter<long> Requests { get; }
    public Counter<long> Candidates { get; }
    public Histogram<double> RequestDuration { get; }
    public Histogram<double> QueueWait { get; }
    public Histogram<double> InferenceDuration { get; }
    public Histogram<int> BatchRows { get; }
    public Counter<long> FeaturesDegraded { get; }
    public Counter<long> ModelLoads { get; }

    public void SetProvider(string provider) => _provider = provider;

    public void SetModelVersions(Func<IEnumerable<Measurement<long>>> observe) => _modelVersions = observe;

    public IDisposable AddQueueDepth(Func<IEnumerable<Measurement<long>>> observe)
    {
        lock (_gate)
            _queueDepth.Add(observe);
        return new Unregister(this, observe);
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveQueueDepth()
    {
        Func<IEnumerable<Measurement<long>>>[] sources;
        lock (_gate)
            sources = [.. _queueDepth];
        foreach (var s in sources)
            foreach (var m in s())
                yield return m;
    }

    private IEnumerable<Measurement<long>> ObserveModels() => _modelVersions?.Invoke() ?? [];

    private sealed class Unregister(ScoringMetrics owner, Func<IEnumerable<Measurement<long>>> observe) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
                owner._queueDepth.Remove(observe);
        }
    }
}
