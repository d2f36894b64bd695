using AfmServing.Core.Manifest;
using AfmServing.Training.Export;
using AfmServing.Training.Model;

namespace AfmServing.TestSupport;

/// <summary>
/// Writes small random AFM models with a known manifest into a models root, for tests that need a real
/// ONNX graph but not a trained one. Fields: user (id, user), item (id, item), cost (item), daytime (context),
/// price (numeric, context), tags (multi-valued, context).
/// </summary>
public static class TestModels
{
    public static readonly string[] Users = ["u1", "u2", "u3"];
    public static readonly string[] Items = ["i1", "i2", "i3", "i4"];

    public static ModelManifest Manifest(string name, string version)
    {
        var fields = new List<FieldSpec>
        {
            Vocab("user", FieldSources.User, Users, entityId: true),
            Vocab("item", FieldSources.Item, Items, entityId: true),
            Vocab("cost", FieldSources.Item, ["free", "paid"]),
            Vocab("daytime", FieldSources.Context, ["morning", "evening", "night"]),
            new() { Name = "price", Kind = FieldKinds.Numeric, Source = FieldSources.Context, Size = 1, Numeric = new NumericTransform { Log1p = true, ClipMin = 0, ClipMax = 1000, Mean = 1, Std = 2 } },
            Vocab("tags", FieldSources.Context, ["a", "a|b", "b"], multiValued: true),
        };
        int offset = 0;
        foreach (var f in fields)
        {
            f.Offset = offset;
            offset += f.Size;
        }
        return new ModelManifest { Name = name, Version = version, Fields = fields, TableSize = offset, EmbeddingSize = 8, AttentionSize = 4 };
    }

    /// <summary>Exports a random model to <paramref name="root"/>/<paramref name="name"/>/<paramref name="version"/> and returns its parameters.</summary>
    public static AfmParameters Write(string root, string name = "test-afm", string version = "1", int seed = 1, bool withItemFile = true)
    {
        var manifest = Manifest(name, version);
        var m = new AfmParameters(manifest.TableSize, manifest.Fields.Count, manifest.EmbeddingSize, manifest.AttentionSize, useAttention: true);
        var rng = new Random(seed);
        foreach (var (_, values) in m.Groups)
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(rng.NextDouble() - 0.5);
        if (withItemFile)
            manifest.EntityFiles["item"] = "items.csv";
        string dir = OnnxExporter.Export(m, manifest, root, overwrite: true);
        if (withItemFile)
            File.WriteAllText(Path.Combine(dir, "items.csv"), "id,cost\ni1,free\ni2,paid\ni3,free\n");
        return m;
    }

    /// <summary>A fresh temporary models root.</summary>
    public static string TempRoot()
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "afm-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static FieldSpec Vocab(string name, string source, string[] values, bool entityId = false, bool multiValued = false) => new()
    {
        Name = name,
        Kind = FieldKinds.Categorical,
        Source = source,
        EntityId = entityId,
        MultiValued = multiValued,
        Size = values.Length + 1,
        Categorical = new CategoricalEncoding { Encoding = CategoricalEncodings.Vocabulary, Vocabulary = [.. values] },
    };
}
