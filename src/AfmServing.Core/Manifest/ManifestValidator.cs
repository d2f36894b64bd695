namespace AfmServing.Core.Manifest;

/// <summary>Checks that a manifest is self-consistent before any model is built on it.</summary>
public static class ManifestValidator
{
    public static void Validate(ModelManifest m, string source)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.FormatVersion != 1)
            throw Fail(source, $"formatVersion {m.FormatVersion} is not supported (expected 1)");
        if (m.Fields.Count < 2)
            throw Fail(source, "a model needs at least 2 fields");
        if (m.EmbeddingSize <= 0 || m.AttentionSize <= 0)
            throw Fail(source, "embeddingSize and attentionSize must be positive");
        var names = new HashSet<string>(StringComparer.Ordinal);
        int expectedOffset = 0;
        foreach (var f in m.Fields)
        {
            if (string.IsNullOrWhiteSpace(f.Name) || !names.Add(f.Name))
                throw Fail(source, $"field name '{f.Name}' is empty or repeated");
            if (f.Offset != expectedOffset)
                throw Fail(source, $"field '{f.Name}': offset {f.Offset}, expected {expectedOffset}");
            if (f.Source is not (FieldSources.User or FieldSources.Item or FieldSources.Context))
                throw Fail(source, $"field '{f.Name}': source '{f.Source}' is not user, item or context");
            switch (f.Kind)
            {
                case FieldKinds.Categorical:
                    var c = f.Categorical ?? throw Fail(source, $"field '{f.Name}': categorical encoding missing");
                    int size = c.Encoding switch
                    {
                        CategoricalEncodings.Vocabulary => (c.Vocabulary ?? throw Fail(source, $"field '{f.Name}': vocabulary missing")).Count + 1,
                        CategoricalEncodings.Hash when c.Hash == AfmServing.Core.Encoding.StableHash.Fnv1a64Name && c.Buckets > 0 => c.Buckets,
                        _ => throw Fail(source, $"field '{f.Name}': encoding '{c.Encoding}' with hash '{c.Hash}' is not supported"),
                    };
                    if (size != f.Size)
                        throw Fail(source, $"field '{f.Name}': size {f.Size} does not match its encoding ({size})");
                    break;
                case FieldKinds.Numeric:
                    var n = f.Numeric ?? throw Fail(source, $"field '{f.Name}': numeric transform missing");
                    if (f.Size != 1)
                        throw Fail(source, $"field '{f.Name}': numeric fields have size 1");
                    if (!(n.Std > 0) || !double.IsFinite(n.Mean))
                        throw Fail(source, $"field '{f.Name}': std must be > 0 and mean finite");
                    break;
                default:
                    throw Fail(source, $"field '{f.Name}': kind '{f.Kind}' is not categorical or numeric");
            }
            expectedOffset += f.Size;
        }
        if (m.TableSize != expectedOffset)
            throw Fail(source, $"tableSize {m.TableSize} does not equal the sum of field sizes {expectedOffset}");
    }

    private static InvalidDataException Fail(string source, string reason) => new($"{source}: {reason}");
}
