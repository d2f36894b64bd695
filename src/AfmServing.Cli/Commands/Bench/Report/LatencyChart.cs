using System.Globalization;
using System.Net;
using System.Text;

namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>
/// Latency versus throughput as a self-contained SVG: x = achieved requests/s, y = latency in ms on a log
/// scale; per configuration a solid p99 line and a dashed p50 line through its sweep points (in rate order).
/// </summary>
public static class LatencyChart
{
    private const double Width = 820, Height = 500, Left = 76, Right = 24, Top = 48, Bottom = 64;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    public static string Svg(IReadOnlyList<SweepSeries> series, string title)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.SelectMany(s => s.Points).Where(p => p.Latency is not null).ToList();
        if (points.Count == 0)
            throw new ArgumentException("no sweep point has a latency to draw", nameof(series));
        double xMax = NiceCeiling(points.Max(p => p.RequestsPerSecond) * 1.05);
        double yMinRaw = points.Min(p => Math.Max(0.001, p.Latency!.P50));
        double yMaxRaw = points.Max(p => Math.Max(0.001, p.Latency!.P99));
        double yMin = Math.Pow(10, Math.Floor(Math.Log10(yMinRaw)));
        double yMax = Math.Pow(10, Math.Ceiling(Math.Log10(yMaxRaw)));
        if (yMax <= yMin)
            yMax = yMin * 10;
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double v) => Left + v / xMax * plotW;
        double Y(double ms) => Top + plotH - (Math.Log10(Math.Max(ms, yMin)) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * plotH;

        var sb = new StringBuilder();
        sb.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        sb.Append(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        sb.Append(F($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Esc(title)}</text>\n"));

        // Grid and ticks: x linear in 5 steps, y at 1-2-5 per decade.
        for (int i = 0; i <= 5; i++)
        {
            double v = xMax * i / 5, x = X(v);
            sb.Append(F($"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{Top + plotH}\" stroke=\"#e5e5e5\"/>\n"));
            sb.Append(F($"<text x=\"{x:0.#}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{v:N0}</text>\n"));
        }
        for (double decade = yMin; decade < yMax * 1.0001; decade *= 10)
        {
            foreach (double m in new[] { 1.0, 2.0, 5.0 })
            {
                double v = decade * m;
                if (v > yMax * 1.0001)
                    break;
                double y = Y(v);
                sb.Append(F($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + plotW}\" y2=\"{y:0.#}\" stroke=\"{(m == 1 ? "#cccccc" : "#eeeeee")}\"/>\n"));
                sb.Append(F($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Ms(v)}</text>\n"));
            }
        }
        sb.Append(F($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>\n"));
        sb.Append(F($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 18}\" text-anchor=\"middle\">achieved throughput (requests/s)</text>\n"));
        sb.Append(F($"<text transform=\"translate(18 {Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">latency (ms, log scale; from scheduled send)</text>\n"));

        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            var pts = series[s].Points.Where(p => p.Latency is not null).ToList();
            foreach (var (pick, dash) in new (Func<LatencySummary, double>, string)[] { (l => l.P99, ""), (l => l.P50, " stroke-dasharray=\"6 4\"") })
            {
                string path = string.Join(' ', pts.Select(p => F($"{X(p.RequestsPerSecond):0.#},{Y(pick(p.Latency!)):0.#}")));
                sb.Append(F($"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n"));
                foreach (var p in pts)
                    sb.Append(F($"<circle cx=\"{X(p.RequestsPerSecond):0.#}\" cy=\"{Y(pick(p.Latency!)):0.#}\" r=\"3\" fill=\"{color}\"><title>{Esc(series[s].Label)}: offered {p.TargetRate:N0}/s, achieved {p.RequestsPerSecond:N0}/s, p50 {p.Latency!.P50:0.###} ms, p99 {p.Latency.P99:0.###} ms</title></circle>\n"));
            }
            double ly = Top + 16 + s * 34;
            sb.Append(F($"<line x1=\"{Left + 12}\" y1=\"{ly}\" x2=\"{Left + 40}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\"/>\n"));
            sb.Append(F($"<text x=\"{Left + 46}\" y=\"{ly + 4}\">{Esc(series[s].Label)} p99</text>\n"));
            sb.Append(F($"<line x1=\"{Left + 12}\" y1=\"{ly + 15}\" x2=\"{Left + 40}\" y2=\"{ly + 15}\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n"));
            sb.Append(F($"<text x=\"{Left + 46}\" y=\"{ly + 19}\">{Esc(series[s].Label)} p50</text>\n"));
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Ms(double v) => v >= 1 ? v.ToString("0.##", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static double NiceCeiling(double v)
    {
        if (v <= 0)
            return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0 })
            if (m * magnitude >= v)
                return m * magnitude;
        return 10 * magnitude;
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
