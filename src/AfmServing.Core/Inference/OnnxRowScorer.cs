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
