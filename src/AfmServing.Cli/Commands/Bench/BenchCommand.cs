using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AfmServing.Cli.Commands.Bench.InProcess;
using AfmServing.Cli.Commands.Bench.Report;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>
/// <c>afm bench</c>: load against the scoring service (closed or open loop, gRPC or REST), optionally compared
/// with a second configuration (<c>--compare</c>), the two measured in alternating windows (<c>--repeat</c>) so a
/// drift in the machine's other load hits both alike; <c>afm bench sweep</c>: open-loop latency versus throughput
/// with an SVG chart; <c>afm bench onnx</c>: raw ONNX Runtime throughput in process. The table goes to stdout,
/// progress to stderr, the full results to <c>--out</c> as JSON. Exit 0 when every run measured something,
/// 1 on bad arguments or when a run could not (server did not start, first request failed, no success).
/// </summary>
public static class BenchCommand
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const string DefaultModel = "frappe-afm";

    public static Command Create()
    {
        var load = new LoadOptionSet(loadShape: true);
        var compare = new Option<string[]>("--compare")
        {
            Description = "Measure configuration B too and print A ÷ B. Repeatable entries: a server setting (Batching:Enabled=false, env:NAME=VALUE; needs --server), "
                + "a bench option (protocol=rest, features=ids, candidates=N, concurrency=N, rate=R, connections=N, grpc-url=URL, http-url=URL, label=NAME), "
                + "or inprocess (raw ONNX Runtime at batch = candidates; threads=N, parallel=N)",
        };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Measured windows per configuration; with --compare they alternate A, B, A, B and are pooled",
            DefaultValueFactory = _ => 1,
        };
        repeat.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
                r.AddError("--repeat must be in 1..100");
        });
        var prime = new Option<TimeSpan>("--prime")
        {
            Description = "Unrecorded load once per configuration before its first window (JIT tiering settles in ~10 s on 2 busy cores)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            CustomParser = BenchDuration.Parser("--prime", allowZero: true),
        };
        var modelDir = new Option<DirectoryInfo?>("--model-dir")
        {
            Description = "Model version directory for --compare inprocess (default: the highest version of --model under --models-root)",
        };
        var output = new Option<FileInfo?>("--out") { Description = "Write every result as JSON here" };
        var command = new Command("bench", "Measure the scoring service under load (see also: bench sweep, bench onnx)");
        load.AddTo(command);
        command.Add(compare);
        command.Add(repeat);
        command.Add(prime);
        command.Add(modelDir);
        command.Add(output);
        command.Add(BenchSweepCommand.Create());
        command.Add(BenchOnnxCommand.Create());
        command.SetAction((parse, cancellationToken) => Guard(parse.InvocationConfiguration.Error, async () =>
        {
            ThreadPoolSpin.Disable();
            var a = load.Bind(parse);
            var entries = parse.GetValue(compare) ?? [];
            var spec = entries.Length > 0 ? CompareSpec.Parse(entries) : null;
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            int repeats = parse.GetValue(repeat);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"afm bench: {a.Describe()}, {repeats} × ({a.Plan.Warmup.TotalSeconds:0.#} s warm-up + {a.Plan.Duration.TotalSeconds:0.#} s measured){(spec is null ? "" : " per configuration, alternating")}")).ConfigureAwait(false);

            await using var targetA = await ServiceTarget.OpenAsync(a, stderr, cancellationToken).ConfigureAwait(false);
            IBenchTarget? targetB = null;
            try
            {
                if (spec is { InProcess: true })
                {
                    string dir = parse.GetValue(modelDir)?.FullName ?? InProcess.ModelDirectory.Resolve(a.ModelsRoot, string.IsNullOrEmpty(a.Model) ? DefaultModel : a.Model);
                    var settings = new OnnxRunSettings(dir, a.DataFile, a.Candidates, spec.PositiveInt("threads") ?? 1, spec.PositiveInt("parallel") ?? Environment.ProcessorCount, a.Plan.Warmup, a.Plan.Duration);
                    await stderr.WriteLineAsync($"[B] in-process ONNX Runtime on {dir}, batch {settings.Batch}, {settings.Parallel} parallel × {settings.IntraOpThreads} intra-op threads").ConfigureAwait(false);
                    targetB = OnnxTarget.Open(settings);
                }
                else if (spec is not null)
                {
                    targetB = await ServiceTarget.OpenAsync(a.With(spec), stderr, cancellationToken).ConfigureAwait(false);
                }
                var report = new BenchReport { Command = CommandLine(), Machine = MachineInfo.Current() };
                var (results, ratios) = await MeasureAsync(targetA, targetB, repeats, parse.GetValue(prime), cancellationToken).ConfigureAwait(false);
                report.Runs.AddRange(results);
                report.Ratios = ratios;
                await stdout.WriteLineAsync(ResultTable.Format(report.Runs, report.Ratios)).ConfigureAwait(false);
                await WriteJsonAsync(parse.GetValue(output), report, stdout).ConfigureAwait(false);
                return report.Runs.All(r => r.Successes > 0) ? ExitOk : ExitFailed;
            }
            finally
            {
                if (targetB is not null)
                    await targetB.DisposeAsync().ConfigureAwait(false);
            }
        }));
        return command;
    }

    /// <summary>Primes each target, then measures A (and B) <paramref name="repeats"/> times, alternating, and pools each side.</summary>
    internal static async Task<(List<BenchResult> Results, BenchRatios? Ratios)> MeasureAsync(
        IBenchTarget a, IBenchTarget? b, int repeats, TimeSpan prime, CancellationToken cancellationToken)
    {
        await a.PrimeAsync(prime, cancellationToken).ConfigureAwait(false);
        if (b is not null)
            await b.PrimeAsync(prime, cancellationToken).ConfigureAwait(false);
        var ma = new List<Measurement>();
        var mb = new List<Measurement>();
        for (int r = 0; r < repeats; r++)
        {
            ma.Add(await a.MeasureAsync(cancellationToken).ConfigureAwait(false));
            if (b is not null)
                mb.Add(await b.MeasureAsync(cancellationToken).ConfigureAwait(false));
        }
        var results = new List<BenchResult> { a.Describe(Measurement.Pool(ma), repeats) };
        if (b is null)
            return (results, null);
        results.Add(b.Describe(Measurement.Pool(mb), repeats));
        var byRepeat = new List<double>(repeats);
        for (int r = 0; r < repeats; r++)
        {
            double rowsB = mb[r].SuccessesPerSecond * mb[r].RowsPerSuccess;
            if (rowsB > 0)
                byRepeat.Add(Math.Round(ma[r].SuccessesPerSecond * ma[r].RowsPerSuccess / rowsB, 3));
        }
        return (results, BenchRatios.Of(results[0], results[1]) with { CandidatesPerSecondByRepeat = byRepeat });
    }

    internal static string CommandLine() => "afm " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));

    internal static async Task WriteJsonAsync(FileInfo? file, BenchReport report, TextWriter stdout)
    {
        if (file is null)
            return;
        if (file.Directory is { } dir)
            dir.Create();
        await using (var stream = file.Create())
            await JsonSerializer.SerializeAsync(stream, report, BenchJsonContext.Default.BenchReport).ConfigureAwait(false);
        await stdout.WriteLineAsync($"results written to {file.FullName}").ConfigureAwait(false);
    }

    /// <summary>Turns expected failures into one clear line on stderr and exit 1, never a stack trace.</summary>
    internal static async Task<int> Guard(TextWriter stderr, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitFailed;
        }
        catch (Exception e) when (e is FormatException or BenchFailedException or InvalidOperationException or IOException or UnauthorizedAccessException
                                      or AfmServing.Training.Data.DataFormatException or ArgumentException or InvalidDataException
                                      or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitFailed;
        }
    }
}
