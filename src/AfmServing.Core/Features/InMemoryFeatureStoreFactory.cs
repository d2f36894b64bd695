using AfmServing.Core.Manifest;

namespace AfmServing.Core.Features;

/// <summary>Builds <see cref="InMemoryFeatureStore"/>s from entity files (CSV/JSONL, see <see cref="EntityFileReader"/>).</summary>
public static class InMemoryFeatureStoreFactory
{
    /// <summary>
    /// Loads the entity files a model ships (<see cref="ModelManifest.EntityFiles"/>: entity → path relative to
    /// <paramref name="modelDirectory"/>). A model without entity files gets an empty store (all cold starts).
    /// Throws <see cref="ArgumentException"/> for an unknown entity or a path outside the model directory,
    /// <see cref="FileNotFoundException"/> for a missing file, <see cref="EntityFileException"/> (file:line: reason)
    /// for a bad line: a shipped model with a broken file must fail at start-up, not serve half its features.
    /// </summary>
    public static InMemoryFeatureStore LoadForModel(string modelDirectory, ModelManifest manifest, string idColumn = "id")
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        ArgumentNullException.ThrowIfNull(manifest);
        string root = Path.GetFullPath(modelDirectory);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (entity, relative) in manifest.EntityFiles)
        {
            if (string.IsNullOrWhiteSpace(relative) || Path.IsPathRooted(relative))
                throw new ArgumentException($"entityFiles.{entity}: expected a path relative to the model directory, got '{relative}'", nameof(manifest));
            string full = Path.GetFullPath(Path.Combine(root, relative));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ArgumentException($"entityFiles.{entity}: '{relative}' points outside the model directory", nameof(manifest));
            files[entity] = full;
        }
        return LoadFiles(files, idColumn);
    }

    /// <summary>Loads <paramref name="files"/> (entity → file path). The last line wins for a repeated id, as a re-load into Redis would.</summary>
    public static InMemoryFeatureStore LoadFiles(IReadOnlyDictionary<string, string> files, string idColumn = "id")
    {
        ArgumentNullException.ThrowIfNull(files);
        var entities = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var (entity, path) in files)
        {
            if (entity is not (FieldSources.User or FieldSources.Item))
                throw new ArgumentException($"entity '{entity}' is not a feature-store entity (expected '{FieldSources.User}' or '{FieldSources.Item}')", nameof(files));
            var byId = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            foreach (var record in EntityFileReader.Read(path, idColumn))
                byId[record.Id] = record.Features;
            entities[entity] = byId;
        }
        return new InMemoryFeatureStore(entities);
    }
}
