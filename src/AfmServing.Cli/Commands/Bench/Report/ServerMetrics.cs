namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>The service's batching counters at one moment, read from its <c>/metrics</c>.</summary>
public sealed record ServerMetricsSnapshot(double BatchRowsSum, double BatchRowsCount, double InferenceSecondsSum, double InferenceCount, double QueueWaitSecondsSum, double QueueWaitCount)
{
    public static ServerMetricsSnapshot Parse(string text) => new(
        PrometheusText.Sum(text, "afm_batch_rows_sum"),
        PrometheusText.Sum(text, "afm_batch_rows_count"),
        PrometheusText.Sum(text, "afm_inference_duration_seconds_sum"),
        PrometheusText.Sum(text, "afm_inference_duration_seconds_count"),
        PrometheusText.Sum(text, "afm_queue_wait_seconds_sum"),
        PrometheusText.Sum(text, "afm_queue_wait_seconds_count"));

    /// <summary>What happened between <paramref name="before"/> and this snapshot.</summary>
    public ServerBatchStats Since(ServerMetricsSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        double runs = BatchRowsCount - before.BatchRowsCount;
        double rows = BatchRowsSum - before.BatchRowsSum;
        double inferenceRuns = InferenceCount - before.InferenceCount;
        double waits = QueueWaitCount - before.QueueWaitCount;
        return new ServerBatchStats(
            (long)runs,
            (long)rows,
            runs > 0 ? rows / runs : null,
            inferenceRuns > 0 ? (InferenceSecondsSum - before.InferenceSecondsSum) / inferenceRuns * 1000 : null,
            waits > 0 ? (QueueWaitSecondsSum - before.QueueWaitSecondsSum) / waits * 1000 : null);
    }
}

/// <summary>Model runs and rows over a window, from the deltas of the server's histograms.</summary>
/// <param name="ModelRuns">Model runs (afm_batch_rows_count delta).</param>
/// <param name="Rows">Rows scored (afm_batch_rows_sum delta).</param>
/// <param name="MeanRowsPerRun">Rows ÷ runs; null when no run happened.</param>
/// <param name="MeanInferenceMs">Mean duration of one model run.</param>
/// <param name="MeanQueueWaitMs">Mean time a request's rows waited in the batcher (only recorded for batched runs).</param>
public sealed record ServerBatchStats(long ModelRuns, long Rows, double? MeanRowsPerRun, double? MeanInferenceMs, double? MeanQueueWaitMs);

/// <summary>Fetches <c>/metrics</c>; a service without it (or unreachable) yields null, and the report says so.</summary>
public sealed class ServerMetricsReader(HttpClient http, Uri metricsUrl)
{
    public Uri Url => metricsUrl;

    public async Task<ServerMetricsSnapshot?> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await http.GetAsync(metricsUrl, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return null;
            return ServerMetricsSnapshot.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
