using System.Diagnostics.Metrics;
using AfmServing.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// Listens to one host's own instruments (those its IMeterFactory created, so other servers in the test process
/// do not count): rows scored by model runs (afm.batch.rows), finished requests by status (afm.requests) and
/// the served versions gauge (afm.model.served). With several hosts in one process, a host's /metrics page was
/// seen to miss afm_model_served while other hosts started and stopped (every host has a meter named AfmServing).
/// </summary>
public sealed class HostMeters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly List<(string Model, string Version, long Value)> _served = [];
    private long _rowsScored;
    private long _batches;

    public HostMeters(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AfmTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, factory)
                && instrument.Name is "afm.batch.rows" or "afm.requests" or "afm.model.served")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, rows, _, _) =>
        {
            Interlocked.Add(ref _rowsScored, rows);
            Interlocked.Increment(ref _batches);
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var named = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
                named[tag.Key] = tag.Value as string ?? "";
            if (instrument.Name == "afm.model.served")
            {
                lock (_served)
                    _served.Add((named.GetValueOrDefault("model", ""), named.GetValueOrDefault("version", ""), value));
                return;
            }
            string status = named.GetValueOrDefault("status", "");
            lock (_requests)
                _requests[status] = _requests.GetValueOrDefault(status) + value;
        });
        _listener.Start();
    }

    /// <summary>Rows that went through a model run since this listener started.</summary>
    public long RowsScored => Interlocked.Read(ref _rowsScored);

    /// <summary>Model runs since this listener started.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Requests that ended with <paramref name="status"/> (ok, invalid_argument, resource_exhausted, deadline_exceeded, …).</summary>
    public long Requests(string status)
    {
        lock (_requests)
            return _requests.GetValueOrDefault(status);
    }

    /// <summary>What the afm.model.served gauge reports now (the Prometheus series afm_model_served{model,version}).</summary>
    public IReadOnlyList<(string Model, string Version, long Value)> ServedNow()
    {
        lock (_served)
        {
            _served.Clear();
            _listener.RecordObservableInstruments();
            return [.. _served];
        }
    }

    public void Dispose() => _listener.Dispose();
}
