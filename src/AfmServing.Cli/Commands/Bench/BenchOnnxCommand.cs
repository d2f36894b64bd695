using System.CommandLine;
using System.Globalization;
using AfmServing.Cli.Commands.Bench.InProcess;
using AfmServing.Cli.Commands.Bench.Report;
using AfmServing.Cli.Terminal;

namespace AfmServing.Cli.Commands.Bench;

/// <summary><c>afm bench onnx</c>: rows/s of ONNX Runtime alone on a model directory at a batch size and thread layout.</summary>
public static class BenchOnnxCommand
{
    public static Command Create()
    {
        var modelDir = new Option<DirectoryInfo>("--model-dir")
        {
            Description = "Model version directory (model.onnx and manifest.json)",
            Required = true,
        };
        var data = new Option<FileInfo>("--data")
        {
            Description = "libFM rows whose tokens follow the manifest's fields (Frappe), encoded once before the run",
            Required = true,
        };
        var batch = new Option<int>("--batch") { Description = "Rows per model run", DefaultValueFactory = _ => 100 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads", DefaultValueFactory = _ => 1 };
        var parallel = new Option<int>("--parallel") { Description = "Threads running the session at once", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "Measured windows, pooled", DefaultValueFactory = _ => 1 };
        foreach (var option in new[] { batch, threads, parallel, repeat })
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                    r.AddError($"{r.Option.Name} must be at least 1");
            });
        var provider = new Option<string>("--provider")
        {
            Description = "cpu, cuda, or auto (CUDA when it loads)",
            DefaultValueFactory = _ => "cpu",
        }.AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var warmup = new Option<TimeSpan>("--warmup")
        {
            Description = "Unrecorded runs first",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
            CustomParser = BenchDuration.Parser("--warmup", allowZero: true),
        };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "Measured window",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
            CustomParser = BenchDuration.Parser("--duration", allowZero: false),
        };
        var output = new Option<FileInfo?>("--out") { Description = "Write the result as JSON here" };
        var command = new Command("onnx", "Raw ONNX Runtime throughput of a model in process (no network): the ceiling for the service")
        {
            modelDir, data, batch, threads, parallel, provider, warmup, duration, repeat, output,
        };
        command.SetAction((parse, cancellationToken) => BenchCommand.Guard(parse.InvocationConfiguration.Error, async () =>
        {
            var settings = new OnnxRunSettings(
                parse.GetValue(modelDir)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(batch), parse.GetValue(threads),
                parse.GetValue(parallel), parse.GetValue(warmup), parse.GetValue(duration), parse.GetValue(provider)!);
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var line = new ProgressLine(stderr, ProgressLine.IsTerminal(stderr));
            double total = settings.Duration.TotalSeconds;
            await using var target = OnnxTarget.Open(settings);
            target.Progress = (rows, seconds) => line.Update(string.Create(CultureInfo.InvariantCulture,
                $"{ProgressLine.Bar(seconds / total)} {seconds:0.0}/{total:0} s  {rows:N0} rows  {(seconds > 0 ? rows / seconds : 0):N0} rows/s  ETA {ProgressLine.Duration(TimeSpan.FromSeconds(Math.Max(0, total - seconds)))}"));
            var (results, _) = await BenchCommand.MeasureAsync(target, null, parse.GetValue(repeat), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var result = results[0];
            line.Update(string.Create(CultureInfo.InvariantCulture, $"done: {result.CandidatesPerSecond:N0} rows/s"), final: true);
            await stdout.WriteLineAsync($"afm bench onnx: {settings.ModelDirectory}, provider {result.Provider}").ConfigureAwait(false);
            await stdout.WriteLineAsync(ResultTable.Format(results)).ConfigureAwait(false);
            var report = new BenchReport { Command = BenchCommand.CommandLine(), Machine = MachineInfo.Current(), Runs = results };
            await BenchCommand.WriteJsonAsync(parse.GetValue(output), report, stdout).ConfigureAwait(false);
            return result.Successes > 0 ? BenchCommand.ExitOk : BenchCommand.ExitFailed;
        }));
        return command;
    }
}
