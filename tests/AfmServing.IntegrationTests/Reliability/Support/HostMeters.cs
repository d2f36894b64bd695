using System.Diagnostics.Metrics;
using AfmServing.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// Listens to one host's own instruments (those its IMeterFactory created, so other servers in the test process
/// do not count): rows scored by model runs (afm.batch.rows) and finished requests by status (afm.requests).
/// </summary>
public sealed class HostMeters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _requests = new(StringComparer.Ordinal);
    private long _rowsScored;
    private long _batches;

    public HostMeters(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AfmTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, factory)
                && instrument.Name is "afm.batch.rows" or "afm.requests")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, rows, _, _) =>
        {
            Interlocked.Add(ref _rowsScored, rows);
            Interlocked.Increment(ref _batches);
        });
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string status = "";
            foreach (var tag in tags)
                if (tag.Key == "status")
                    status = tag.Value as string ?? "";
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

    public void Dispose() => _listener.Dispose();
}
