using AfmServing.Core.Manifest;
using Microsoft.ML.OnnxRuntime;

namespace AfmServing.Core.Inference;

/// <summary>
/// One ONNX Runtime session over one model version. Inputs and outputs are <see cref="OrtValue"/>s over the
/// caller's buffers, so a run copies nothing and allocates only the small OrtValue wrappers.
/// </summary>
public sealed class OnnxRowScorer : IRowScorer, IDisposable
{
    public const string IdsInput = "feature_ids";
    public const string ValuesInput = "feature_values";
    public const string ProbabilityOutput = "probability";
    public const string LogitOutput = "logit";
    public const string AttentionOutput = "attention";

    private static readonly string[] InputNames = [IdsInput, ValuesInput];
    private static readonly string[] OutputNames = [ProbabilityOutput, AttentionOutput];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private OnnxRowScorer(InferenceSession session, int fields, int pairs, string provider)
    {
        _session = session;
        FieldCount = fields;
        PairCount = pairs;
        Provider = provider;
    }

    public int FieldCount { get; }

    public int PairCount { get; }

    /// <summary>The execution provider that runs this session: <c>cuda</c> or <c>cpu</c>.</summary>
    public string Provider { get; }

    /// <summary>
    /// Opens <paramref name="modelPath"/> and checks it against the contract and <paramref name="manifest"/>:
    /// input and output names, element types and shapes. Throws <see cref="InvalidDataException"/> when it does not fit.
    /// </summary>
    public static OnnxRowScorer Open(string modelPath, ModelManifest manifest, SessionOptionsFactory options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        var (sessionOptions, provider) = options.Create();
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{modelPath}: ONNX Runtime cannot load the graph: {e.Message}", e);
        }
        finally
        {
            sessionOptions.Dispose();
        }
        try
        {
            int fields = manifest.Fields.Count;
            int pairs = manifest.PairCount;
            Expect(session.InputMetadata, IdsInput, typeof(long), fields, modelPath);
            Expect(session.InputMetadata, ValuesInput, typeof(float), fields, modelPath);
            Expect(session.OutputMetadata, ProbabilityOutput, typeof(float), null, modelPath);
            Expect(session.OutputMetadata, AttentionOutput, typeof(float), pairs, modelPath);
            ProbeShapes(session, manifest, modelPath);
            return new OnnxRowScorer(session, fields, pairs, provider);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Score(Memory<long> ids, Memory<float> values, int rows, Memory<float> probabilities, Memory<float> attention)
    {
        long[] inShape = [rows, FieldCount];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids[..(rows * FieldCount)], inShape);
        using var valuesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values[..(rows * FieldCount)], inShape);
        using var probValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, probabilities[..rows], [rows]);
        using var attValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, attention[..(rows * PairCount)], [rows, PairCount]);
        _session.Run(_runOptions, InputNames, [idsValue, valuesValue], OutputNames, [probValue, attValue]);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>
    /// Declared output shapes can disagree with what the graph computes (ONNX Runtime trusts its own inference),
    /// so run two rows once and check the shapes the graph really returns.
    /// </summary>
    private static void ProbeShapes(InferenceSession session, ModelManifest manifest, string path)
    {
        const int rows = 2;
        int f = manifest.Fields.Count, p = manifest.PairCount;
        var ids = new long[rows * f];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < f; j++)
                ids[r * f + j] = manifest.Fields[j].Offset;
        var values = new float[rows * f];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows, f]);
        using var valuesValue = OrtValue.CreateTensorValueFromMemory(values, [rows, f]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, InputNames, [idsValue, valuesValue], OutputNames);
        CheckShape(outputs[0], ProbabilityOutput, [rows], path);
        CheckShape(outputs[1], AttentionOutput, [rows, p], path);
    }

    private static void CheckShape(OrtValue value, string name, long[] expected, string path)
    {
        long[] actual = value.GetTensorTypeAndShape().Shape;
        if (!actual.AsSpan().SequenceEqual(expected))
            throw new InvalidDataException($"{path}: '{name}' has shape [{string.Join(", ", actual)}] for {expected[0]} rows, expected [{string.Join(", ", expected)}]");
    }

    private static void Expect(IReadOnlyDictionary<string, NodeMetadata> metadata, string name, Type element, int? lastDim, string path)
    {
        if (!metadata.TryGetValue(name, out var node))
            throw new InvalidDataException($"{path}: the graph has no '{name}' (it has {string.Join(", ", metadata.Keys)})");
        if (node.ElementType != element)
            throw new InvalidDataException($"{path}: '{name}' is {node.ElementType.Name}, expected {element.Name}");
        var dims = node.Dimensions;
        int expectedRank = lastDim is null ? 1 : 2;
        if (dims.Length != expectedRank)
            throw new InvalidDataException($"{path}: '{name}' has rank {dims.Length}, expected {expectedRank}");
        if (lastDim is { } d && dims[^1] != d)
            throw new InvalidDataException($"{path}: '{name}' has last dimension {dims[^1]}, the manifest implies {d}");
    }
}
