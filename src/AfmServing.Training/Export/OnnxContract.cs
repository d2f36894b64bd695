namespace AfmServing.Training.Export;

/// <summary>Names of the graph's inputs and outputs as fixed by DESIGN.md ("Model directory contract").</summary>
public static class OnnxContract
{
    public const string IdsInput = "feature_ids";
    public const string ValuesInput = "feature_values";
    public const string ProbabilityOutput = "probability";
    public const string LogitOutput = "logit";
    public const string AttentionOutput = "attention";

    /// <summary>Symbolic batch dimension.</summary>
    public const string BatchDim = "N";

    /// <summary>Operator set the exported graphs declare.</summary>
    public const int Opset = 17;

    /// <summary>ONNX IR version that goes with opset 17.</summary>
    public const int IrVersion = 8;

    public const string ModelFile = "model.onnx";
    public const string ManifestFile = "manifest.json";
}
