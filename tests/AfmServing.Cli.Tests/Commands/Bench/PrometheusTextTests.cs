using AfmServing.Cli.Commands.Bench.Report;

namespace AfmServing.Cli.Tests.Commands.Bench;

public sealed class PrometheusTextTests
{
    // The shape the OpenTelemetry Prometheus exporter writes, with two label sets and look-alike names.
    private const string Scrape = """
        # TYPE afm_batch_rows histogram
        # UNIT afm_batch_rows {row}
        # HELP afm_batch_rows Rows per model run
        afm_batch_rows_bucket{model="frappe-afm",otel_scope_name="AfmServing",le="1"} 3 1733240000000
        afm_batch_rows_bucket{model="frappe-afm",otel_scope_name="AfmServing",le="+Inf"} 10 1733240000000
        afm_batch_rows_sum{model="frappe-afm",otel_scope_name="AfmServing"} 250 1733240000000
        afm_batch_rows_count{model="frappe-afm",otel_scope_name="AfmServing"} 10 1733240000000
        afm_batch_rows_sum{model="odd}name",note="a \"quoted\" }"} 50
        afm_batch_rows_count{model="odd}name",note="a \"quoted\" }"} 5
        afm_batch_rows_sum_total 999
        afm_inference_duration_seconds_sum{model="frappe-afm"} 0.03
        afm_inference_duration_seconds_count{model="frappe-afm"} 15
        afm_queue_wait_seconds_sum 0.5
        afm_queue_wait_seconds_count 100
        """;

    [Fact]
    public void Sum_SampleWithSeveralLabelSets_AddsThemAndSkipsLookAlikeNames()
    {
        Assert.Equal(300, PrometheusText.Sum(Scrape, "afm_batch_rows_sum"));
        Assert.Equal(15, PrometheusText.Sum(Scrape, "afm_batch_rows_count"));
        Assert.Equal(0, PrometheusText.Sum(Scrape, "afm_missing_total"));
    }

    [Fact]
    public void Since_TwoScrapes_GivesRunsRowsAndMeans()
    {
        var before = ServerMetricsSnapshot.Parse("""
            afm_batch_rows_sum 100
            afm_batch_rows_count 10
            afm_inference_duration_seconds_sum 0.01
            afm_inference_duration_seconds_count 10
            afm_queue_wait_seconds_sum 0.1
            afm_queue_wait_seconds_count 50
            """);
        var after = ServerMetricsSnapshot.Parse(Scrape);

        var stats = after.Since(before);

        Assert.Equal(5, stats.ModelRuns);
        Assert.Equal(200, stats.Rows);
        Assert.Equal(40, stats.MeanRowsPerRun!.Value, 6);
        Assert.Equal(0.02 / 5 * 1000, stats.MeanInferenceMs!.Value, 6);
        Assert.Equal(0.4 / 50 * 1000, stats.MeanQueueWaitMs!.Value, 6);
    }

    [Fact]
    public void Since_NoRunInBetween_MeanIsNull()
    {
        var snapshot = ServerMetricsSnapshot.Parse(Scrape);

        var stats = snapshot.Since(snapshot);

        Assert.Equal(0, stats.ModelRuns);
        Assert.Null(stats.MeanRowsPerRun);
        Assert.Null(stats.MeanInferenceMs);
    }
}
