using System.Globalization;
using System.Text;

namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>
/// The results as a plain-text table: one column per run, one row per figure, and for two runs a last column
/// A ÷ B. Figures a run does not have (server metrics of an in-process run) show as "–".
/// </summary>
public static class ResultTable
{
    private const string None = "–";

    public static string Format(IReadOnlyList<BenchResult> runs, BenchRatios? ratios = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var rows = new List<(string Name, Func<BenchResult, string> Value, Func<BenchRatios, double?>? Ratio)>
        {
            ("requests/s", r => N(r.RequestsPerSecond, 0), x => x.RequestsPerSecond),
            ("candidates/s", r => N(r.CandidatesPerSecond, 0), x => x.CandidatesPerSecond),
            ("latency p50 ms", r => N(r.Latency?.P50, 3), x => x.P50),
            ("latency p90 ms", r => N(r.Latency?.P90, 3), null),
            ("latency p99 ms", r => N(r.Latency?.P99, 3), x => x.P99),
            ("latency p99.9 ms", r => N(r.Latency?.P999, 3), null),
            ("latency max ms", r => N(r.Latency?.Max, 3), null),
            ("successes", r => r.Successes.ToString("N0", CultureInfo.InvariantCulture), null),
            ("errors", r => Errors(r), null),
            ("degraded replies", r => r.Kind == "service" ? r.Degraded.ToString("N0", CultureInfo.InvariantCulture) : None, null),
            ("mean rows/model run", r => N(r.Server?.MeanRowsPerRun ?? (r.Kind == "in-process" ? r.Candidates : null), 1), null),
            ("model runs", r => r.Server is { } s ? s.ModelRuns.ToString("N0", CultureInfo.InvariantCulture) : r.Kind == "in-process" ? r.Requests.ToString("N0", CultureInfo.InvariantCulture) : None, null),
            ("mean model run ms", r => N(r.Server?.MeanInferenceMs ?? (r.Kind == "in-process" ? r.Latency?.Mean : null), 3), null),
            ("mean batcher wait ms", r => N(r.Server?.MeanQueueWaitMs, 3), null),
            ("server CPU cores", r => N(r.Cpu?.Server, 2), null),
            ("server CPU µs/request", r => N(r.Cpu?.Server is { } c && r.RequestsPerSecond > 0 ? c / r.RequestsPerSecond * 1e6 : null, 0), null),
            ("bench CPU cores", r => N(r.Cpu?.Client, 2), null),
            ("machine CPU cores", r => N(r.Cpu?.Machine, 2), null),
            ("send lag p99 ms", r => N(r.DispatchLag?.P99, 3), null),
            ("window s", r => N(r.WindowSeconds, 1), null),
        };

        var header = new List<string> { "" };
        for (int i = 0; i < runs.Count; i++)
            header.Add(runs.Count == 2 ? $"{(char)('A' + i)}: {runs[i].Label}" : runs[i].Label);
        if (ratios is not null)
            header.Add("A ÷ B");
        var cells = new List<List<string>> { header };
        foreach (var (name, value, ratio) in rows)
        {
            var line = new List<string> { name };
            foreach (var r in runs)
                line.Add(value(r));
            if (ratios is not null)
                line.Add(ratio is null ? "" : N(ratio(ratios), 2));
            cells.Add(line);
        }

        int columns = header.Count;
        var widths = new int[columns];
        foreach (var line in cells)
            for (int c = 0; c < columns; c++)
                widths[c] = Math.Max(widths[c], line[c].Length);
        var sb = new StringBuilder();
        foreach (var line in cells)
        {
            for (int c = 0; c < columns; c++)
            {
                if (c == 0)
                    sb.Append(line[c].PadRight(widths[c]));
                else
                    sb.Append("  ").Append(line[c].PadLeft(widths[c]));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Errors(BenchResult r)
    {
        if (r.Errors.Count == 0)
            return "0";
        return string.Join(", ", r.Errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value:N0}")));
    }

    private static string N(double? value, int decimals) =>
        value is { } v && double.IsFinite(v) ? v.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : None;
}
