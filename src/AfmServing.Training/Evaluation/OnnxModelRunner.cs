using AfmServing.Training.Data;
using AfmServing.Training.Export;
using Microsoft.ML.OnnxRuntime;

namespace AfmServing.Training.Evaluation;

/// <summary>What one exported model returned for a data set.</summary>
/// <param name="Probabilities">[Rows].</param>
/// <param name="Logits">[Rows].</param>
/// <param name="Attention">[Rows, P].</param>
public sealed record OnnxOutputs(float[] Probabilities, float[] Logits, float[] Attention);

/// <summary>
/// Runs an exported graph on ONNX Runtime's CPU provider over an <see cref="EncodedDataset"/> in batches
/// (used by <c>afm evaluate</c> and by the export parity tests; the server has its own scorer).
/// </summary>
public sealed class OnnxModelRunner : IDisposable
{
    private static readonly string[] InputNames = [OnnxContract.IdsInput, OnnxContract.ValuesInput];
    private static readonly string[] OutputNames = [OnnxContract.ProbabilityOutput, OnnxContract.LogitOutput, OnnxContract.AttentionOutput];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    public OnnxModelRunner(string modelPath, int intraOpThreads = 0)
        : this(new InferenceSession(modelPath, CreateOptions(intraOpThreads)))
    {
    }

    public OnnxModelRunner(byte[] model, int intraOpThreads = 0)
        : this(new InferenceSession(model, CreateOptions(intraOpThreads)))
    {
    }

    private OnnxModelRunner(InferenceSession session)
    {
        _session = session;
        var attention = session.OutputMetadata[OnnxContract.AttentionOutput].Dimensions;
        PairCount = attention[^1];
        FieldCount = session.InputMetadata[OnnxContract.IdsInput].Dimensions[^1];
    }

    public InferenceSession Session => _session;

    public int FieldCount { get; }

    public int PairCount { get; }

    /// <summary>Session options the project measured as fastest on CPU (docs/PERFORMANCE.md).</summary>
    public static SessionOptions CreateOptions(int intraOpThreads, bool allowSpinning = false)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (intraOpThreads > 0)
            options.IntraOpNumThreads = intraOpThreads;
        // Spinning workers burn the cores other work needs; on the 2-core VM it was slower at every batch size.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
        return options;
    }

    public OnnxOutputs Run(EncodedDataset data, int batchSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.FieldCount != FieldCount)
            throw new ArgumentException($"data has {data.FieldCount} fields, the model {FieldCount}");
        int f = FieldCount, pairs = PairCount;
        var probabilities = new float[data.Rows];
        var logits = new float[data.Rows];
        var attention = new float[(long)data.Rows * pairs];
        for (int start = 0; start < data.Rows; start += batchSize)
        {
            int rows = Math.Min(batchSize, data.Rows - start);
            long[] shape = [rows, f];
            using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.Ids.AsMemory(start * f, rows * f), shape);
            using var values = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.Values.AsMemory(start * f, rows * f), shape);
            using var outputs = _session.Run(_runOptions, InputNames, [ids, values], OutputNames);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(probabilities.AsSpan(start, rows));
            outputs[1].GetTensorDataAsSpan<float>().CopyTo(logits.AsSpan(start, rows));
            outputs[2].GetTensorDataAsSpan<float>().CopyTo(attention.AsSpan(start * pairs, rows * pairs));
        }
        return new OnnxOutputs(probabilities, logits, attention);
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
