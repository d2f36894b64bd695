using System.Text.Json.Serialization;

namespace AfmServing.Core.Manifest;

/// <summary>
/// The <c>manifest.json</c> beside a <c>model.onnx</c>: everything needed to turn raw feature values
/// into the graph's <c>feature_ids</c>/<c>feature_values</c> inputs, plus how the model was made.
/// </summary>
public sealed class ModelManifest
{
    /// <summary>Manifest schema version; readers reject versions they do not know.</summary>
    public int FormatVersion { get; set; } = 1;

    /// <summary>Model name, the directory name under <c>models/</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Model version, the directory name under <c>models/&lt;name&gt;/</c>.</summary>
    public string Version { get; set; } = "";

    /// <summary><c>afm</c> or <c>fm</c> (attention fixed at 1).</summary>
    public string ModelType { get; set; } = "afm";

    /// <summary>Embedding size k.</summary>
    public int EmbeddingSize { get; set; }

    /// <summary>Attention MLP hidden size t.</summary>
    public int AttentionSize { get; set; }

    /// <summary>Rows in the embedding table: the sum of every field's <see cref="FieldSpec.Size"/>.</summary>
    public int TableSize { get; set; }

    /// <summary>The fields in graph column order.</summary>
    public List<FieldSpec> Fields { get; set; } = [];

    /// <summary>
    /// Entity feature files shipped with the model for the embedded store, by entity (<c>user</c>, <c>item</c>):
    /// paths relative to the model directory, read by <see cref="Features.EntityFileReader"/>.
    /// </summary>
    public Dictionary<string, string> EntityFiles { get; set; } = [];

    /// <summary>How the model was trained: data, protocol, hyperparameters.</summary>
    public TrainingInfo? Training { get; set; }

    /// <summary>Metrics reached, by split name (e.g. <c>test</c>, <c>validation</c>, <c>fm_test</c>).</summary>
    public Dictionary<string, MetricSet> Metrics { get; set; } = [];

    /// <summary>Number of attention pairs P = F(F-1)/2.</summary>
    [JsonIgnore]
    public int PairCount => Fields.Count * (Fields.Count - 1) / 2;
}

/// <summary>AUC, log loss and RMSE on one split.</summary>
public sealed class MetricSet
{
    public double Auc { get; set; }
    public double LogLoss { get; set; }
    public double Rmse { get; set; }
    public long Rows { get; set; }
}

/// <summary>Provenance of a trained model.</summary>
public sealed class TrainingInfo
{
    public string Data { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string Command { get; set; } = "";
    public Dictionary<string, string> Hyperparameters { get; set; } = [];
    public DateTimeOffset TrainedAt { get; set; }
}
