using System.Diagnostics;
using System.Globalization;
using AfmServing.Training.Data;
using AfmServing.Training.Training;

namespace AfmServing.Benchmarks;

/// <summary>
/// Training rows per second on Frappe's training split (first 90% of frappe.validation.libfm), k = 16, t = 16,
/// batch 256, Adam. Not a BenchmarkDotNet class: one epoch is the natural unit and the trainer already
/// times each epoch, so this runs warm-up epochs (JIT tiering) and reports the measured ones.
/// Usage: training-throughput [--data DIR] [--threads N] [--epochs N] [--warmup N] [--fm]
/// </summary>
internal static class TrainingThroughput
{
    public static int Run(string[] args)
    {
        string? dataDir = null;
        int threads = 2, epochs = 5, warmup = 2;
        bool attention = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": dataDir = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--fm": attention = false; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    return 2;
            }
        }
        dataDir ??= FindSharedData();
        if (dataDir is null)
        {
            Console.Error.WriteLine("shared/data not found; pass --data DIR or set AFM_SHARED_DATA");
            return 2;
        }

        var raw = LibFmReader.Read(Path.Combine(dataDir, "frappe", "frappe.validation.libfm"));
        var (trainRaw, _) = raw.SplitByFraction(0.9);
        var layout = FieldLayoutBuilder.Fit(KnownSchemas.Frappe(), trainRaw);
        var train = DatasetEncoder.Encode(layout.Fields, trainRaw);

        var options = new TrainerOptions
        {
            TableSize = layout.TableSize, EmbeddingSize = 16, AttentionSize = 16, UseAttention = attention,
            BatchSize = 256, Epochs = warmup + epochs, Threads = threads,
        };
        var cpu = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var result = AfmTrainer.Train(train, null, options,
            new ConsoleProgress(p => Console.WriteLine(
                $"epoch {p.Epoch}/{p.MaxEpochs}{(p.Epoch <= warmup ? " (warm-up)" : "")}: {p.RowsPerSecond:F0} rows/s, loss {p.TrainLoss:F4}")));
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;

        var measured = result.History.Skip(warmup).Select(h => h.RowsPerSecond).Order().ToArray();
        double median = measured[measured.Length / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(attention ? "AFM" : "FM")} k=16 t=16 batch=256 threads={threads} rows={train.Rows}: median {median:F0} rows/s over {measured.Length} epochs (min {measured[0]:F0}, max {measured[^1]:F0}); process CPU {cpuSeconds:F1} s in {cpu.Elapsed.TotalSeconds:F1} s wall"));
        return 0;
    }

    private static string? FindSharedData()
    {
        var env = Environment.GetEnvironmentVariable("AFM_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
            return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "SOURCES.md")))
                return candidate;
        }
        return null;
    }

    private sealed class ConsoleProgress(Action<EpochProgress> report) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value) => report(value);
    }
}
