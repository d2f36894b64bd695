using AfmServing.Core.Manifest;

namespace AfmServing.Core.Encoding;

/// <summary>The field encoders of one model, in graph column order, with lookup by name.</summary>
public sealed class RowEncoder
{
    private readonly Dictionary<string, int> _byName;

    public RowEncoder(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        Fields = new FieldEncoder[manifest.Fields.Count];
        _byName = new Dictionary<string, int>(manifest.Fields.Count, StringComparer.Ordinal);
        for (int i = 0; i < Fields.Length; i++)
        {
            Fields[i] = new FieldEncoder(manifest.Fields[i], i);
            _byName[manifest.Fields[i].Name] = i;
        }
        PairCount = Fields.Length * (Fields.Length - 1) / 2;
        PairFields = new (int, int)[PairCount];
        int p = 0;
        for (int i = 0; i < Fields.Length; i++)
            for (int j = i + 1; j < Fields.Length; j++)
                PairFields[p++] = (i, j);
    }

    public ModelManifest Manifest { get; }

    public FieldEncoder[] Fields { get; }

    /// <summary>F, the number of fields (columns of the graph inputs).</summary>
    public int FieldCount => Fields.Length;

    /// <summary>P = F(F-1)/2.</summary>
    public int PairCount { get; }

    /// <summary>Pair p's two field columns, in DESIGN.md order (0,1),(0,2),…,(F-2,F-1).</summary>
    public (int First, int Second)[] PairFields { get; }

    public bool TryGetField(string name, out int index) => _byName.TryGetValue(name, out index);

    /// <summary>Finds a field whose name differs only in case, to suggest it in an error.</summary>
    public string? FindCaseInsensitive(string name)
    {
        foreach (var f in Fields)
            if (string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
                return f.Name;
        return null;
    }
}
