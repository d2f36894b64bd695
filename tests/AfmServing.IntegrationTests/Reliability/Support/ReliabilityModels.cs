using AfmServing.Core.Encoding;
using AfmServing.Core.Manifest;
using AfmServing.TestSupport;
using AfmServing.Training.Export;
using AfmServing.Training.Model;
using Google.Protobuf;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// Model directories for the reliability tests: real ONNX graphs exported by the trainer's exporter (random
/// weights), and broken ones a deployment could really produce (garbage bytes, renamed inputs, a manifest that no
/// longer matches its graph).
/// </summary>
public static class ReliabilityModels
{
    /// <summary>
    /// The test model's fields (see <see cref="TestModels"/>) with wide embeddings and attention, so that a row
    /// costs the CPU real work: overload and shutdown tests need scoring, not HTTP, to be the bottleneck.
    /// </summary>
    public static AfmParameters WriteHeavy(string root, string name = "heavy-afm", string version = "1", int size = 768, int seed = 7)
    {
        var manifest = TestModels.Manifest(name, version);
        var m = Random(manifest, size, size, seed);
        OnnxExporter.Export(m, manifest, root, overwrite: true);
        return m;
    }

    /// <summary>
    /// A model whose fields are a sample file's columns: <paramref name="numeric"/> columns numeric (signed log1p),
    /// <paramref name="multiValued"/> columns multi-valued, the rest hashed categoricals; <paramref name="user"/> and
    /// <paramref name="item"/> name the entity-id columns, if any.
    /// </summary>
    public static void WriteForColumns(string root, string name, IReadOnlyList<string> columns, ISet<string> numeric, ISet<string>? multiValued = null, string? user = null, string? item = null)
    {
        var fields = new List<FieldSpec>();
        int offset = 0;
        foreach (var column in columns)
        {
            var spec = numeric.Contains(column)
                ? new FieldSpec { Name = column, Kind = FieldKinds.Numeric, Size = 1, Numeric = new NumericTransform { Log1p = true, Mean = 0, Std = 1 } }
                : new FieldSpec
                {
                    Name = column,
                    Kind = FieldKinds.Categorical,
                    Size = 64,
                    MultiValued = multiValued?.Contains(column) == true,
                    Categorical = new CategoricalEncoding { Encoding = CategoricalEncodings.Hash, Hash = StableHash.Fnv1a64Name, Buckets = 64 },
                };
            spec.Source = column == user ? FieldSources.User : column == item ? FieldSources.Item : FieldSources.Context;
            spec.EntityId = column == user || column == item;
            spec.Offset = offset;
            offset += spec.Size;
            fields.Add(spec);
        }
        var manifest = new ModelManifest { Name = name, Version = "1", Fields = fields, TableSize = offset };
        OnnxExporter.Export(Random(manifest, 4, 4, seed: name.Length), manifest, root, overwrite: true);
    }

    /// <summary>A version directory whose model.onnx is not an ONNX graph at all.</summary>
    public static string WriteGarbageGraph(string root, string name, string version)
    {
        string dir = WriteBrokenGraph(root, name, version, static _ => { });
        File.WriteAllBytes(Path.Combine(dir, OnnxContract.ModelFile), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))]);
        return dir;
    }

    /// <summary>A valid graph whose <c>feature_values</c> input is called <c>values</c>: a contract-breaking export.</summary>
    public static string WriteRenamedInput(string root, string name, string version) =>
        WriteBrokenGraph(root, name, version, static model =>
        {
            foreach (var input in model.Graph.Input)
                if (input.Name == OnnxContract.ValuesInput)
                    input.Name = "values";
            foreach (var node in model.Graph.Node)
                for (int i = 0; i < node.Input.Count; i++)
                    if (node.Input[i] == OnnxContract.ValuesInput)
                        node.Input[i] = "values";
        });

    /// <summary>
    /// A graph whose <c>probability</c> output really is [N, 1] instead of [N]: an Unsqueeze after the sigmoid, and
    /// the output declared so. (Declaring [N, 1] alone is not enough: ONNX Runtime infers [N] and ignores it.)
    /// </summary>
    public static string WriteWrongOutputShape(string root, string name, string version) =>
        WriteBrokenGraph(root, name, version, static model =>
        {
            var graph = model.Graph;
            foreach (var node in graph.Node)
                for (int i = 0; i < node.Output.Count; i++)
                    if (node.Output[i] == OnnxContract.ProbabilityOutput)
                        node.Output[i] = "probability_flat";
            var axes = new Onnx.TensorProto { Name = "probability_axes", DataType = (int)Onnx.TensorProto.Types.DataType.Int64 };
            axes.Dims.Add(1);
            axes.Int64Data.Add(1);
            graph.Initializer.Add(axes);
            var unsqueeze = new Onnx.NodeProto { OpType = "Unsqueeze", Name = "probability_unsqueeze" };
            unsqueeze.Input.Add("probability_flat");
            unsqueeze.Input.Add("probability_axes");
            unsqueeze.Output.Add(OnnxContract.ProbabilityOutput);
            graph.Node.Add(unsqueeze);
            foreach (var output in graph.Output)
                if (output.Name == OnnxContract.ProbabilityOutput)
                    output.Type.TensorType.Shape.Dim.Add(new Onnx.TensorShapeProto.Types.Dimension { DimValue = 1 });
        });

    /// <summary>A valid graph beside a manifest with its last field removed: the manifest no longer describes the graph.</summary>
    public static string WriteManifestMissingField(string root, string name, string version, int seed = 3)
    {
        TestModels.Write(root, name, version, seed);
        string dir = Path.Combine(root, name, version);
        var manifest = ManifestJson.Read(Path.Combine(dir, OnnxContract.ManifestFile));
        var removed = manifest.Fields[^1];
        manifest.Fields.RemoveAt(manifest.Fields.Count - 1);
        manifest.TableSize -= removed.Size;
        ManifestJson.Write(manifest, Path.Combine(dir, OnnxContract.ManifestFile));
        return dir;
    }

    private static string WriteBrokenGraph(string root, string name, string version, Action<Onnx.ModelProto> breakIt)
    {
        var manifest = TestModels.Manifest(name, version);
        var m = Random(manifest, manifest.EmbeddingSize, manifest.AttentionSize, seed: 5);
        manifest.ModelType = "afm";
        manifest.EmbeddingSize = m.EmbeddingSize;
        manifest.AttentionSize = m.AttentionSize;
        var model = AfmGraph.Build(m, "broken on purpose");
        breakIt(model);
        string dir = Path.Combine(root, name, version);
        Directory.CreateDirectory(dir);
        // The manifest goes first: the registry looks at a version only once both files exist.
        ManifestJson.Write(manifest, Path.Combine(dir, OnnxContract.ManifestFile));
        using (var stream = File.Create(Path.Combine(dir, OnnxContract.ModelFile + ".tmp")))
            model.WriteTo(stream);
        File.Move(Path.Combine(dir, OnnxContract.ModelFile + ".tmp"), Path.Combine(dir, OnnxContract.ModelFile));
        return dir;
    }

    private static AfmParameters Random(ModelManifest manifest, int embedding, int attention, int seed)
    {
        var m = new AfmParameters(manifest.TableSize, manifest.Fields.Count, embedding, attention, useAttention: true);
        var rng = new Random(seed);
        // Small weights keep logits moderate whatever the width, so probabilities are not all 0 or 1.
        float scale = 1f / MathF.Sqrt(Math.Max(embedding, attention));
        foreach (var (_, values) in m.Groups)
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(rng.NextDouble() - 0.5) * scale;
        return m;
    }
}
