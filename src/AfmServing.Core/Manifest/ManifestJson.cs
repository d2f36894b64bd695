using System.Text.Json;
using System.Text.Json.Serialization;

namespace AfmServing.Core.Manifest;

/// <summary>Reads and writes <c>manifest.json</c> with one set of options (camelCase, indented).</summary>
public static class ManifestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ModelManifest Read(string path)
    {
        using var stream = File.OpenRead(path);
        var manifest = JsonSerializer.Deserialize<ModelManifest>(stream, Options)
            ?? throw new InvalidDataException($"{path}: empty manifest");
        ManifestValidator.Validate(manifest, path);
        return manifest;
    }

    public static void Write(ModelManifest manifest, string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, manifest, Options);
    }
}
