using System.Buffers;
using System.Diagnostics;
using AfmServing.Core.Features;
using AfmServing.Core.Models;
using AfmServing.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace AfmServing.Core.Scoring;

/// <summary>
/// The one scoring pipeline behind every transport: validate, look up stored features, encode, batch, explain.
/// Errors reach callers as <see cref="ScoringException"/> with a message naming the field and the reason.
/// </summary>
public sealed partial class ScoringService
{
    private readonly ModelRegistry _registry;
    private readonly IFeatureStore? _sharedStore;
    private readonly ScoringOptions _options;
    private readonly ScoringMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RequestEncoder _encoder;

    /// <param name="registry">Served models.</param>
    /// <param name="sharedStore">The configured store (Redis), or null to use each model's embedded store.</param>
    /// <param name="options">Limits.</param>
    /// <param name="metrics">Instruments.</param>
    /// <param name="time">Clock for deadlines and latency.</param>
    /// <param name="logger">Logger.</param>
    public ScoringService(ModelRegistry registry, IFeatureStore? sharedStore, ScoringOptions options, ScoringMetrics metrics, TimeProvider time, ILogger<ScoringService> logger)
    {
        _registry = registry;
        _sharedStore = sharedStore;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _encoder = new RequestEncoder(options);
    }

    public async Task<ScoreResult> ScoreAsync(ScoreQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long started = _time.GetTimestamp();
        string status = "ok";
        string modelName = string.IsNullOrEmpty(query.Model) ? _registry.DefaultModel : query.Model;
        using var activity = AfmTelemetry.ActivitySource.StartActivity(AfmTelemetry.ScoreSpan);
        activity?.SetTag("afm.model", modelName);
        activity?.SetTag("afm.candidates", query.Candidates.Count);
        try
        {
            var result = await ScoreCoreAsync(query, modelName, cancellationToken).ConfigureAwait(false);
            _metrics.Candidates.Add(result.Candidates.Length, new KeyValuePair<string, object?>("model", modelName));
            return result;
        }
        catch (ScoringException e)
        {
            status = StatusName(e.Code);
            activity?.SetStatus(ActivityStatusCode.Error, status);
            throw;
        }
        finally
        {
            _metrics.Requests.Add(1, new("model", modelName), new("status", status));
            _metrics.RequestDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new("model", modelName), new("status", status));
        }
    }

    private async Task<ScoreResult> ScoreCoreAsync(ScoreQuery query, string modelName, CancellationToken cancellationToken)
    {
        if (!_registry.TryAcquire(query.Model, out var model))
        {
            if (!_registry.IsReady)
                throw new ScoringException(ScoringErrorCode.Unavailable, "no model is loaded yet; retry shortly");
            throw new ScoringException(ScoringErrorCode.NotFound, $"model: '{Truncate(modelName)}' is not served (served: {string.Join(", ", _registry.Names)})");
        }
        try
        {
            var budget = DeadlineFrom(query.Deadline);
            using var timeout = new CancellationTokenSource(budget, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                return await ScoreWithModelAsync(query, model, _time.GetUtcNow() + budget, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested || PastDeadline(query.Deadline))
            {
                throw new ScoringException(ScoringErrorCode.DeadlineExceeded, "deadline exceeded before the candidates were scored");
            }
            catch (OperationCanceledException)
            {
                throw new ScoringException(ScoringErrorCode.Cancelled, "the caller cancelled the request");
            }
        }
        finally
        {
            await model.ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task<ScoreResult> ScoreWithModelAsync(ScoreQuery query, LoadedModel model, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        _encoder.ValidateShape(query);
        int n = query.Candidates.Count, f = model.Encoder.FieldCount, p = model.Encoder.PairCount;
        var ids = ArrayPool<long>.Shared.Rent(n * f);
        var values = ArrayPool<float>.Shared.Rent(n * f);
        var probabilities = ArrayPool<float>.Shared.Rent(n);
        var attention = ArrayPool<float>.Shared.Rent(n * p);
        try
        {
            var rowIds = ids.AsSpan(0, n * f);
            var rowValues = values.AsSpan(0, n * f);
            // Bad requests fail here, before any feature-store round trip.
            _encoder.EncodeRequest(query, model, rowIds, rowValues);

            bool degraded = false;
            var store = _sharedStore ?? model.EmbeddedStore;
            var lookup = store is null ? null : RequestEncoder.PlanLookup(query, model, rowIds);
            if (lookup is not null)
            {
                using var lookupActivity = AfmTelemetry.ActivitySource.StartActivity(AfmTelemetry.FeatureLookupSpan);
                var stored = await store!.GetAsync(lookup, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (stored.Degraded)
                {
                    degraded = true;
                    lookupActivity?.SetTag("afm.degraded", true);
                    _metrics.FeaturesDegraded.Add(1, new KeyValuePair<string, object?>("store", store.Name));
                    LogDegraded(_logger, store.Name, stored.DegradedReason ?? "unavailable");
                }
                RequestEncoder.FillFromStore(model, stored, ids.AsSpan(0, n * f), values.AsSpan(0, n * f));
            }
            RequestEncoder.FillDefaults(query, model, ids.AsSpan(0, n * f), values.AsSpan(0, n * f));

            var timing = await model.Batcher.ScoreAsync(ids.AsMemory(0, n * f), values.AsMemory(0, n * f), n, probabilities.AsMemory(0, n), attention.AsMemory(0, n * p), deadline, cancellationToken).ConfigureAwait(false);
            RecordSpans(timing);
            return BuildResult(query, model, degraded, probabilities, attention);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<float>.Shared.Return(values);
            ArrayPool<float>.Shared.Return(probabilities);
            ArrayPool<float>.Shared.Return(attention);
        }
    }

    private ScoreResult BuildResult(ScoreQuery query, LoadedModel model, bool degraded, float[] probabilities, float[] attention)
    {
        int n = query.Candidates.Count, p = model.Encoder.PairCount;
        var results = new CandidateResult[n];
        for (int i = 0; i < n; i++)
        {
            float prob = probabilities[i];
            if (!float.IsFinite(prob))
                throw ScoringException.Invalid($"candidates[{i}]", "the model produced no finite score for this row: a numeric feature is far outside the range the model was trained on");
            var top = query.Explain ? Explainer.TopPairs(model.Encoder, attention.AsSpan(i * p, p), _options.ExplainTopPairs) : null;
            results[i] = new CandidateResult(query.Candidates[i].ItemId, prob, top);
        }
        return new ScoreResult { Model = model.Name, ModelVersion = model.Version, FeaturesDegraded = degraded, Candidates = results };
    }

    private void RecordSpans(Batching.BatchTiming timing)
    {
        if (!AfmTelemetry.ActivitySource.HasListeners())
            return;
        var now = _time.GetUtcNow();
        var enqueued = now - _time.GetElapsedTime(timing.EnqueuedAt);
        var started = now - _time.GetElapsedTime(timing.StartedAt);
        var finished = now - _time.GetElapsedTime(timing.FinishedAt);
        using (var wait = AfmTelemetry.ActivitySource.StartActivity(AfmTelemetry.QueueWaitSpan, ActivityKind.Internal, parentContext: default, startTime: enqueued))
            wait?.SetEndTime(started.UtcDateTime);
        using var run = AfmTelemetry.ActivitySource.StartActivity(AfmTelemetry.InferenceSpan, ActivityKind.Internal, parentContext: default, startTime: started);
        run?.SetTag("afm.batch_rows", timing.BatchRows);
        run?.SetEndTime(finished.UtcDateTime);
    }

    /// <summary>The caller's deadline when it set one, else the configured default.</summary>
    private TimeSpan DeadlineFrom(DateTimeOffset? deadline)
    {
        var timeout = deadline is { } d && d != DateTimeOffset.MaxValue
            ? d - _time.GetUtcNow()
            : TimeSpan.FromMilliseconds(_options.DefaultTimeoutMilliseconds);
        return timeout > TimeSpan.Zero ? timeout : TimeSpan.FromTicks(1);
    }

    private bool PastDeadline(DateTimeOffset? deadline) => deadline is { } d && d <= _time.GetUtcNow();

    private static string StatusName(ScoringErrorCode code) => code switch
    {
        ScoringErrorCode.InvalidArgument => "invalid_argument",
        ScoringErrorCode.NotFound => "not_found",
        ScoringErrorCode.ResourceExhausted => "resource_exhausted",
        ScoringErrorCode.DeadlineExceeded => "deadline_exceeded",
        ScoringErrorCode.Cancelled => "cancelled",
        _ => "unavailable",
    };

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Scored without the {Store} feature store: {Reason}")]
    private static partial void LogDegraded(ILogger logger, string store, string reason);

    private static string Truncate(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 64), "…");
}
