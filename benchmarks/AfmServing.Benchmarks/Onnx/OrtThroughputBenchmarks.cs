using AfmServing.Training.Evaluation;
using AfmServing.Training.Export;
using AfmServing.Training.Model;
using AfmServing.Training.Training;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace AfmServing.Benchmarks.Onnx;

/// <summary>
/// ONNX Runtime CPU throughput of the exported Frappe graph, 2 intra-op threads, one Run per batch over
/// pre-allocated input and output tensors (what the server's micro-batcher does). Rows/s = Batch / Mean.
/// The model is <c>models/frappe-afm/1/model.onnx</c>, or AFM_BENCH_MODEL; without either, a random
/// Frappe-shaped AFM (F = 10, table 5,393, k = t = AFM_BENCH_K, default the trainer's default k).
/// </summary>
[MemoryDiagnoser]
public class OrtThroughputBenchmarks
{
    private const int Fields = 10;
    private const int FrappeTableSize = 5_393;

    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _inputs = null!;
    private OrtValue[] _outputs = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;

    [Params(1, 64, 256, 1024)]
    public int Batch { get; set; }

    /// <summary>ORT's intra-op pool threads spin while waiting for work; measured both ways.</summary>
    [Params(false, true)]
    public bool Spinning { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = OnnxModelRunner.CreateOptions(intraOpThreads: 2);
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", Spinning ? "1" : "0");
        string? path = Environment.GetEnvironmentVariable("AFM_BENCH_MODEL");
        path ??= FindRepoFile(Path.Combine("models", "frappe-afm", "1", "model.onnx"));
        bool exported = path is not null && File.Exists(path);
        _session = exported ? new InferenceSession(path!, options) : new InferenceSession(RandomFrappeModel(), options);
        Console.WriteLine($"// model: {(exported ? path : "random Frappe-shaped AFM")}");
        _runOptions = new RunOptions();

        var rng = new Random(1);
        var ids = new long[Batch * Fields];
        var values = new float[Batch * Fields];
        // Frappe-like rows: every field present, one id per field's range.
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (i % Fields) * (FrappeTableSize / Fields) + rng.Next(FrappeTableSize / Fields);
            values[i] = 1f;
        }
        int pairs = Fields * (Fields - 1) / 2;
        long[] shape = [Batch, Fields];
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(ids, shape),
            OrtValue.CreateTensorValueFromMemory(values, shape),
        ];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(new float[Batch], [Batch]),
            OrtValue.CreateTensorValueFromMemory(new float[Batch], [Batch]),
            OrtValue.CreateTensorValueFromMemory(new float[Batch * pairs], [Batch, pairs]),
        ];
        _inputNames = [OnnxContract.IdsInput, OnnxContract.ValuesInput];
        _outputNames = [OnnxContract.ProbabilityOutput, OnnxContract.LogitOutput, OnnxContract.AttentionOutput];
    }

    [Benchmark]
    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static byte[] RandomFrappeModel()
    {
        int k = int.TryParse(Environment.GetEnvironmentVariable("AFM_BENCH_K"), out int parsed) ? parsed : new TrainerOptions().EmbeddingSize;
        var m = new AfmParameters(FrappeTableSize, Fields, k, k, useAttention: true);
        var rng = new Random(7);
        foreach (var (_, group) in m.Groups)
            for (int i = 0; i < group.Length; i++)
                group[i] = (float)(rng.NextDouble() - 0.5) * 0.2f;
        return AfmGraph.Build(m).ToByteArray();
    }

    private static string? FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AfmServing.sln")))
                return Path.Combine(dir.FullName, relative);
        }
        return null;
    }
}
