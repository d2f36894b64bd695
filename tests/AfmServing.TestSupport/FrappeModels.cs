using AfmServing.Core.Features.Conversion;
using AfmServing.Core.Manifest;
using AfmServing.Training.Data;
using AfmServing.Training.Export;
using AfmServing.Training.Model;

namespace AfmServing.TestSupport;

/// <summary>
/// Writes an untrained AFM with the Frappe layout (the 10 libFM fields, vocabularies fitted on a Frappe file) and
/// random parameters, plus an <c>items.csv</c> (item → cost) for the embedded store. It scores real Frappe rows
/// with the same shapes and costs as a trained model, so tests and benchmarks of the service need no training run.
/// </summary>
public static class FrappeModels
{
    /// <summary>Exports to <paramref name="root"/>/<paramref name="name"/>/<paramref name="version"/> and returns that directory.</summary>
    public static string WriteRandom(
        string root, string? dataFile = null, string name = "frappe-afm", string version = "1",
        int embeddingSize = 16, int attentionSize = 16, int seed = 1)
    {
        dataFile ??= SharedData.FrappeTest;
        var data = LibFmReader.Read(dataFile);
        var layout = FieldLayoutBuilder.Fit(KnownSchemas.Frappe(), data);
        var manifest = new ModelManifest
        {
            Name = name,
            Version = version,
            Fields = layout.Fields,
            TableSize = layout.TableSize,
        };
        manifest.EntityFiles["item"] = "items.csv";
        var m = new AfmParameters(layout.TableSize, layout.Fields.Count, embeddingSize, attentionSize, useAttention: true);
        var rng = new Random(seed);
        foreach (var (_, values) in m.Groups)
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)((rng.NextDouble() - 0.5) * 0.2);
        string dir = OnnxExporter.Export(m, manifest, root, overwrite: true);
        FrappeItemExport.Export([dataFile], Path.Combine(dir, "items.csv"));
        return dir;
    }
}
