using System.Text.Json;
using System.Xml.Linq;
using AfmServing.Cli.Commands.Bench;
using AfmServing.Cli.Commands.Bench.Report;
using HdrHistogram;

namespace AfmServing.Cli.Tests.Commands.Bench;

public sealed class ReportTests
{
    /// <summary>A histogram of 1..n milliseconds (recorded in µs), so percentile p is about p% of n ms.</summary>
    private static LongHistogram Milliseconds(int n)
    {
        var h = new LongHistogram(1, 600_000_000, 3);
        for (int i = 1; i <= n; i++)
            h.RecordValue(i * 1000L);
        return h;
    }

    private static BenchResult Result(string label, double rps, int n, ServerBatchStats? server = null) => new()
    {
        Label = label,
        Kind = "service",
        Candidates = 1,
        RequestsPerSecond = rps,
        CandidatesPerSecond = rps,
        Successes = n,
        Latency = LatencySummary.FromMicros(Milliseconds(n)),
        Server = server,
        Errors = new(StringComparer.Ordinal) { ["ResourceExhausted"] = 3 },
    };

    [Fact]
    public void LatencySummary_FromHistogram_GivesPercentilesInMilliseconds()
    {
        var s = LatencySummary.FromMicros(Milliseconds(1000))!;

        Assert.Equal(500, s.P50, 0);
        Assert.Equal(900, s.P90, 0);
        Assert.Equal(990, s.P99, 0);
        Assert.Equal(999, s.P999, 0);
        Assert.Equal(1000, s.Max, 0);
        Assert.Equal(1000, s.Count);
        Assert.Null(LatencySummary.FromMicros(new LongHistogram(1, 1000, 3)));
    }

    [Fact]
    public void Format_TwoRuns_ShowsBothColumnsAndTheRatio()
    {
        var a = Result("batching", 3000, 100, new ServerBatchStats(10, 320, 32, 1.5, 0.2));
        var b = Result("no batching", 1500, 200);

        string table = ResultTable.Format([a, b], BenchRatios.Of(a, b));
        var requests = table.Split('\n').Single(l => l.StartsWith("requests/s", StringComparison.Ordinal));
        var rows = table.Split('\n').Single(l => l.StartsWith("mean rows/model run", StringComparison.Ordinal));

        Assert.Contains("A: batching", table, StringComparison.Ordinal);
        Assert.Contains("B: no batching", table, StringComparison.Ordinal);
        Assert.Contains("A ÷ B", table, StringComparison.Ordinal);
        Assert.Matches(@"3,000\s+1,500\s+2\.00", requests);
        Assert.Matches(@"32\.0\s+–", rows);
        Assert.Contains("ResourceExhausted: 3", table, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchRatios_Of_DividesAByB()
    {
        var r = BenchRatios.Of(Result("a", 3000, 100), Result("b", 1200, 200));

        Assert.Equal(2.5, r.RequestsPerSecond);
        Assert.Equal(0.5, r.P50!.Value, 2);
    }

    [Fact]
    public void Json_Report_HasCamelCaseFiguresAndSkipsNulls()
    {
        var report = new BenchReport
        {
            Command = "afm bench",
            Machine = MachineInfo.Current(),
            Runs = [Result("a", 3000, 100, new ServerBatchStats(10, 320, 32, 1.5, null))],
        };

        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
        var run = doc.RootElement.GetProperty("runs")[0];

        Assert.Equal(3000, run.GetProperty("requestsPerSecond").GetDouble());
        Assert.Equal(99, run.GetProperty("latency").GetProperty("p99").GetDouble(), 0);
        Assert.Equal(32, run.GetProperty("server").GetProperty("meanRowsPerRun").GetDouble());
        Assert.Equal(3, run.GetProperty("errors").GetProperty("ResourceExhausted").GetInt64());
        Assert.False(run.GetProperty("server").TryGetProperty("meanQueueWaitMs", out _));
        Assert.False(doc.RootElement.TryGetProperty("ratios", out _));
    }

    [Fact]
    public void Pool_Windows_AddsCountsAndHistogramsAndWeighsCpu()
    {
        var first = new Measurement
        {
            Latency = Milliseconds(100),
            Successes = 100,
            WindowSeconds = 1,
            Errors = new Dictionary<string, long> { ["Unavailable"] = 1 },
            Server = new ServerBatchStats(10, 100, 10, 1, 0.5),
            Cpu = new CpuUse(0.2, 1.0, 2.0),
        };
        var second = new Measurement
        {
            Latency = Milliseconds(300),
            Successes = 300,
            WindowSeconds = 3,
            Errors = new Dictionary<string, long> { ["Unavailable"] = 2, ["HTTP 429"] = 4 },
            Server = new ServerBatchStats(10, 300, 30, 3, 1.5),
            Cpu = new CpuUse(0.4, 1.4, 2.0),
        };

        var pooled = Measurement.Pool([first, second]);

        Assert.Equal(400, pooled.Successes);
        Assert.Equal(400, pooled.Latency.TotalCount);
        Assert.Equal(4, pooled.WindowSeconds);
        Assert.Equal(100, pooled.SuccessesPerSecond);
        Assert.Equal(3, pooled.Errors["Unavailable"]);
        Assert.Equal(4, pooled.Errors["HTTP 429"]);
        Assert.Equal(20, pooled.Server!.MeanRowsPerRun);
        Assert.Equal(2, pooled.Server.MeanInferenceMs!.Value, 6);
        Assert.Equal(0.35, pooled.Cpu!.Client!.Value, 6);
        Assert.Equal(1.3, pooled.Cpu.Server!.Value, 6);
    }

    [Fact]
    public void Svg_Sweep_IsWellFormedWithALinePerPercentileAndSeries()
    {
        var series = new List<SweepSeries>
        {
            new() { Label = "batching", Points = [Point(500, 480, 1, 3), Point(1000, 950, 1.5, 4), Point(2000, 1800, 3, 20)] },
            new() { Label = "no batching", Points = [Point(500, 490, 1.2, 3.5), Point(1000, 700, 30, 200)] },
        };

        string svg = LatencyChart.Svg(series, "latency vs throughput");
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Equal(4, doc.Descendants(ns + "polyline").Count());
        Assert.Equal(10, doc.Descendants(ns + "circle").Count());
        Assert.Contains("batching p99", svg, StringComparison.Ordinal);
        Assert.Contains("no batching p50", svg, StringComparison.Ordinal);
    }

    private static BenchResult Point(double offered, double achieved, double p50, double p99) => new()
    {
        Label = "x",
        Kind = "service",
        TargetRate = offered,
        RequestsPerSecond = achieved,
        Latency = new LatencySummary(p50, p50 * 1.5, p99, p99 * 1.2, p99 * 1.5, p50, 100),
    };
}
