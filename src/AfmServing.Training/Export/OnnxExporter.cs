using AfmServing.Core.Manifest;
using AfmServing.Training.Model;
using Google.Protobuf;

namespace AfmServing.Training.Export;

/// <summary>
/// Writes a model directory <c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;/</c> with <c>model.onnx</c> (built by
/// <see cref="AfmGraph"/>) and <c>manifest.json</c>, after checking that the manifest describes these parameters.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Exports and returns the model directory.</summary>
    /// <param name="m">Trained parameters.</param>
    /// <param name="manifest">Fields, training info and metrics; model type and sizes are filled in from <paramref name="m"/>.</param>
    /// <param name="root">Folder that holds the models (e.g. <c>models</c>).</param>
    /// <param name="overwrite">Replace an existing model.onnx/manifest.json in that directory.</param>
    public static string Export(AfmParameters m, ModelManifest manifest, string root, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        CheckName(manifest.Name, "name");
        CheckName(manifest.Version, "version");
        if (manifest.Fields.Count != m.FieldCount)
            throw new ArgumentException($"manifest has {manifest.Fields.Count} fields, the parameters {m.FieldCount}");
        if (manifest.TableSize != m.TableSize)
            throw new ArgumentException($"manifest table size {manifest.TableSize} differs from the parameters' {m.TableSize}");
        manifest.ModelType = m.UseAttention ? "afm" : "fm";
        manifest.EmbeddingSize = m.EmbeddingSize;
        manifest.AttentionSize = m.AttentionSize;
        ManifestValidator.Validate(manifest, "manifest");

        string dir = Path.Combine(root, manifest.Name, manifest.Version);
        string modelPath = Path.Combine(dir, OnnxContract.ModelFile);
        string manifestPath = Path.Combine(dir, OnnxContract.ManifestFile);
        if (!overwrite && (File.Exists(modelPath) || File.Exists(manifestPath)))
            throw new IOException($"{dir} already holds a model (pass overwrite to replace it)");
        Directory.CreateDirectory(dir);

        var model = AfmGraph.Build(m, $"{manifest.ModelType} {manifest.Name}/{manifest.Version}");
        // Write beside and rename, so a server watching the folder never sees half a file.
        string tmp = modelPath + ".tmp";
        using (var stream = File.Create(tmp))
            model.WriteTo(stream);
        File.Move(tmp, modelPath, overwrite: true);
        ManifestJson.Write(manifest, manifestPath + ".tmp");
        File.Move(manifestPath + ".tmp", manifestPath, overwrite: true);
        return dir;
    }

    private static void CheckName(string value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['/', '\\']) >= 0 || value is "." or ".." || value.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"model {what} '{value}' is not a valid directory name");
    }
}
