using System.CommandLine;
using System.Globalization;
using AfmServing.Cli.Commands.Bench.Load;
using AfmServing.Cli.Commands.Bench.Report;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>
/// <c>afm bench sweep</c>: open-loop runs at increasing rates (Poisson arrivals, latency from the scheduled send)
/// against one configuration, or two with <c>--compare</c>; prints a table per rate, writes the latency versus
/// throughput chart (<c>--svg</c>) and the results (<c>--out</c>). The server, when started, stays up across the rates.
/// </summary>
public static class BenchSweepCommand
{
    public static Command Create()
    {
        var load = new LoadOptionSet(loadShape: false);
        var rates = new Option<double[]>("--rates")
        {
            Description = "Offered rates in requests/s, e.g. 500,1000,2000,4000",
            Required = true,
            CustomParser = r =>
            {
                var list = new List<double>();
                foreach (var token in r.Tokens)
                    foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v))
                            list.Add(v);
                        else
                            r.AddError($"--rates: '{part}' is not a positive rate");
                    }
                return [.. list];
            },
        };
        var compare = new Option<string[]>("--compare")
        {
            Description = "Sweep configuration B too (same entries as afm bench --compare, except inprocess)",
        };
        var svg = new Option<FileInfo?>("--svg") { Description = "Write the latency versus throughput chart here (SVG)" };
        var title = new Option<string>("--title")
        {
            Description = "Chart title",
            DefaultValueFactory = _ => "afm-serving: latency vs throughput (open loop)",
        };
        var output = new Option<FileInfo?>("--out") { Description = "Write every result as JSON here" };
        var command = new Command("sweep", "Open-loop latency versus throughput over a list of rates, with an SVG chart");
        load.AddTo(command);
        command.Add(rates);
        command.Add(compare);
        command.Add(svg);
        command.Add(title);
        command.Add(output);
        var prime = new Option<TimeSpan>("--prime")
        {
            Description = "Unrecorded load once per configuration before the first rate",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            CustomParser = BenchDuration.Parser("--prime", allowZero: true),
        };
        command.Add(prime);
        command.SetAction((parse, cancellationToken) => BenchCommand.Guard(parse.InvocationConfiguration.Error, async () =>
        {
            ThreadPoolSpin.Disable();
            var a = load.Bind(parse);
            var entries = parse.GetValue(compare) ?? [];
            var configs = new List<LoadSettings> { a };
            if (entries.Length > 0)
            {
                var spec = CompareSpec.Parse(entries);
                if (spec.InProcess)
                    throw new FormatException("--compare inprocess has no latency curve; use afm bench --compare inprocess");
                configs.Add(a.With(spec));
            }
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var rateList = parse.GetValue(rates)!;
            var report = new BenchReport { Command = BenchCommand.CommandLine(), Machine = MachineInfo.Current(), Sweep = [] };
            var targets = new List<ServiceTarget>();
            try
            {
                foreach (var config in configs)
                    targets.Add(await ServiceTarget.OpenAsync(config with { Plan = config.Plan with { Mode = LoadMode.Open, Rate = rateList[0] } }, stderr, cancellationToken).ConfigureAwait(false));
                foreach (var target in targets)
                {
                    await target.PrimeAsync(parse.GetValue(prime), cancellationToken).ConfigureAwait(false);
                    report.Sweep.Add(new SweepSeries { Label = target.Label });
                }
                // Rate by rate, the configurations alternate, so a change in the machine's other load hits both curves alike.
                foreach (double rate in rateList)
                {
                    for (int t = 0; t < targets.Count; t++)
                    {
                        var plan = targets[t].Settings.Plan with { Rate = rate };
                        var point = targets[t].Describe(plan, await targets[t].MeasureAsync(plan, cancellationToken).ConfigureAwait(false), 1);
                        report.Sweep[t].Points.Add(point);
                        report.Runs.Add(point);
                    }
                }
            }
            finally
            {
                foreach (var target in targets)
                    await target.DisposeAsync().ConfigureAwait(false);
            }
            for (int t = 0; t < configs.Count; t++)
            {
                var c = configs[t];
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Label}: {c.Protocol}, open loop (Poisson) at each rate, {c.Candidates} candidate{(c.Candidates == 1 ? "" : "s")}/request, {c.Plan.Warmup.TotalSeconds:0.#} s warm-up + {c.Plan.Duration.TotalSeconds:0.#} s per rate")).ConfigureAwait(false);
                await stdout.WriteLineAsync(SweepTable(report.Sweep[t].Points)).ConfigureAwait(false);
            }
            if (parse.GetValue(svg) is { } svgFile)
            {
                svgFile.Directory?.Create();
                await File.WriteAllTextAsync(svgFile.FullName, LatencyChart.Svg(report.Sweep, parse.GetValue(title)!), cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync($"chart written to {svgFile.FullName}").ConfigureAwait(false);
            }
            await BenchCommand.WriteJsonAsync(parse.GetValue(output), report, stdout).ConfigureAwait(false);
            return report.Runs.All(r => r.Successes > 0) ? BenchCommand.ExitOk : BenchCommand.ExitFailed;
        }));
        return command;
    }

    internal static string SweepTable(IReadOnlyList<BenchResult> points)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("  offered/s  achieved/s   p50 ms   p90 ms   p99 ms  p99.9 ms  errors  rows/run  send lag p99 ms");
        foreach (var p in points)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.TargetRate,11:N0} {p.RequestsPerSecond,11:N0} {p.Latency?.P50,8:0.000} {p.Latency?.P90,8:0.000} {p.Latency?.P99,8:0.000} {p.Latency?.P999,9:0.000} {p.Errors.Values.Sum(),7:N0} {p.Server?.MeanRowsPerRun,9:0.0} {p.DispatchLag?.P99,16:0.000}"));
        }
        return sb.ToString();
    }
}
