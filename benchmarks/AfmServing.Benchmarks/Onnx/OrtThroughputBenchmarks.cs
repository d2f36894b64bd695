using AfmServing.Core.Manifest;
using AfmServing.Training.Data;
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
/// Model: <c>models/frappe-afm/1</c> (or the directory in AFM_BENCH_MODEL), fed the first Batch rows of
/// <c>frappe.test.libfm</c> encoded with its manifest. Without a model: a random Frappe-shaped AFM
/// (F = 10, the trainer's default k and t) on random ids.
/// </summary>
[MemoryDiagnoser]
public class OrtThroughputBenchmarks
{
    private const int Fields = 10;

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
        using var options = OnnxModelRunner.CreateOptions(intraOpThreads: 2, allowSpinning: Spinning);
        string? dir = Environment.GetEnvironmentVariable("AFM_BENCH_MODEL") ?? FindUp(Path.Combine("models", "frappe-afm", "1"));
        bool exported = dir is not null && File.Exists(Path.Combine(dir, OnnxContract.ModelFile));
        var (ids, values) = exported ? FrappeRows(dir!) : RandomRows();
        _session = exported
            ? new InferenceSession(Path.Combine(dir!, OnnxContract.ModelFile), options)
            : new InferenceSession(RandomFrappeModel(), options);
        Console.WriteLine($"// model: {(exported ? dir : "random Frappe-shaped AFM")}");
        _runOptions = new RunOptions();

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

    /// <summary>The first Batch rows of frappe.test.libfm encoded with the model's manifest (random rows without the data).</summary>
    private (long[] Ids, float[] Values) FrappeRows(string dir)
    {
        var manifest = ManifestJson.Read(Path.Combine(dir, OnnxContract.ManifestFile));
        string? test = Environment.GetEnvironmentVariable("AFM_SHARED_DATA") is { Length: > 0 } shared
            ? Path.Combine(shared, "frappe", "frappe.test.libfm")
            : FindUp(Path.Combine("..", "shared", "data", "frappe", "frappe.test.libfm"));
        if (test is null || !File.Exists(test))
            return RandomRows(manifest);
        var encoded = DatasetEncoder.Encode(manifest.Fields, LibFmReader.Read(test)).Slice(0, Batch);
        return (encoded.Ids, encoded.Values);
    }

    private (long[] Ids, float[] Values) RandomRows(ModelManifest? manifest = null)
    {
        var rng = new Random(1);
        var ids = new long[Batch * Fields];
        var values = new float[Batch * Fields];
        int perField = 500;
        for (int i = 0; i < ids.Length; i++)
        {
            int f = i % Fields;
            ids[i] = manifest is null ? f * perField + rng.Next(perField) : manifest.Fields[f].Offset + rng.Next(manifest.Fields[f].Size);
            values[i] = 1f;
        }
        return (ids, values);
    }

    private static byte[] RandomFrappeModel()
    {
        var defaults = new TrainerOptions();
        var m = new AfmParameters(Fields * 500, Fields, defaults.EmbeddingSize, defaults.AttentionSize, useAttention: true);
        var rng = new Random(7);
        foreach (var (_, group) in m.Groups)
            for (int i = 0; i < group.Length; i++)
                group[i] = (float)(rng.NextDouble() - 0.5) * 0.2f;
        return AfmGraph.Build(m).ToByteArray();
    }

    /// <summary>A path relative to the repository root (the folder holding AfmServing.sln), or null.</summary>
    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AfmServing.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, relative));
        }
        return null;
    }
}
