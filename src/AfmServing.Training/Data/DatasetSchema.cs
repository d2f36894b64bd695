using System.Text.Json;
using AfmServing.Core.Manifest;

namespace AfmServing.Training.Data;

/// <summary>
/// How a delimited data file maps to model fields and a label, and how each field is to be encoded.
/// Serialisable as JSON (camelCase) so the CLI can take one with <c>--schema</c>.
/// </summary>
public sealed class DatasetSchema
{
    /// <summary>Column holding the label.</summary>
    public string LabelColumn { get; set; } = "label";

    /// <summary>A label is 1 when its number is at least this (0/1 and -1/1 labels: 0.5; ratings: e.g. 4).</summary>
    public double PositiveLabelAtLeast { get; set; } = 0.5;

    /// <summary>Cell separator: <c>,</c>, <c>\t</c>, <c>|</c> … (one character).</summary>
    public string Separator { get; set; } = ",";

    /// <summary>
    /// Entity attribute tables (items.csv …) take attribute values from positive rows only: for data whose
    /// negatives were sampled by pairing a logged context with another entity (Frappe), the negatives carry
    /// the logged entity's attributes, not the sampled one's.
    /// </summary>
    public bool AttributesFromPositiveRows { get; set; }

    /// <summary>Model fields in graph column order.</summary>
    public List<FieldSchema> Fields { get; set; } = [];

    public char SeparatorChar => Separator == "\\t" ? '\t' : Separator.Length == 1 ? Separator[0]
        : throw new InvalidDataException($"separator '{Separator}' must be one character");

    /// <summary>Checks names, kinds, sources and encoding options; throws with the field and the reason.</summary>
    public void Validate(string source)
    {
        if (Fields.Count < 2)
            throw new InvalidDataException($"{source}: a schema needs at least 2 fields");
        _ = SeparatorChar;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in Fields)
        {
            if (string.IsNullOrWhiteSpace(f.Name) || !names.Add(f.Name))
                throw new InvalidDataException($"{source}: field name '{f.Name}' is empty or repeated");
            if (f.Kind is not (FieldKinds.Categorical or FieldKinds.Numeric))
                throw new InvalidDataException($"{source}: field '{f.Name}': kind '{f.Kind}' is not categorical or numeric");
            if (f.Source is not (FieldSources.User or FieldSources.Item or FieldSources.Context))
                throw new InvalidDataException($"{source}: field '{f.Name}': source '{f.Source}' is not user, item or context");
            if (f.Kind == FieldKinds.Categorical)
            {
                if (f.Encoding is not (CategoricalEncodings.Vocabulary or CategoricalEncodings.Hash))
                    throw new InvalidDataException($"{source}: field '{f.Name}': encoding '{f.Encoding}' is not vocabulary or hash");
                if (f.Encoding == CategoricalEncodings.Hash && f.Buckets < 1)
                    throw new InvalidDataException($"{source}: field '{f.Name}': hash encoding needs buckets >= 1");
                if (f.MinCount < 1)
                    throw new InvalidDataException($"{source}: field '{f.Name}': minCount must be >= 1");
            }
            else if (f.ClipQuantile is { } q && !(q > 0.5 && q < 1))
            {
                throw new InvalidDataException($"{source}: field '{f.Name}': clipQuantile must be in (0.5, 1)");
            }
        }
    }

    public static DatasetSchema ReadJson(string path)
    {
        DatasetSchema? schema;
        try
        {
            using var stream = File.OpenRead(path);
            schema = JsonSerializer.Deserialize<DatasetSchema>(stream, ManifestJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: invalid schema JSON ({e.Message.Split('.')[0]})", e);
        }
        if (schema is null)
            throw new InvalidDataException($"{path}: empty schema");
        schema.Validate(path);
        return schema;
    }
}

/// <summary>One model field of a <see cref="DatasetSchema"/>.</summary>
public sealed class FieldSchema
{
    /// <summary>Field name in the model (and in requests).</summary>
    public string Name { get; set; } = "";

    /// <summary>Column in the file; defaults to <see cref="Name"/>.</summary>
    public string? Column { get; set; }

    /// <summary><c>categorical</c> or <c>numeric</c>.</summary>
    public string Kind { get; set; } = FieldKinds.Categorical;

    /// <summary><c>user</c>, <c>item</c> or <c>context</c>.</summary>
    public string Source { get; set; } = FieldSources.Context;

    /// <summary>The value is the entity's id (user_id / item_id), so serving fills it from the request's ids.</summary>
    public bool EntityId { get; set; }

    /// <summary>When set, the cell is a list split on this string and stored in canonical sorted '|'-joined form.</summary>
    public string? ListSeparator { get; set; }

    /// <summary>Categorical: <c>vocabulary</c> (from the training split, plus one OOV bucket) or <c>hash</c>.</summary>
    public string Encoding { get; set; } = CategoricalEncodings.Vocabulary;

    /// <summary>Vocabulary: training count a value needs to get its own row (rarer values share the OOV row).</summary>
    public int MinCount { get; set; } = 1;

    /// <summary>Hash: number of fnv1a64 buckets.</summary>
    public int Buckets { get; set; }

    /// <summary>Numeric: signed log1p after clipping.</summary>
    public bool Log1p { get; set; }

    /// <summary>Numeric: standardise with the training split's mean and standard deviation.</summary>
    public bool Standardise { get; set; } = true;

    /// <summary>Numeric: clip to the training split's [1 - q, q] quantiles (e.g. 0.99).</summary>
    public double? ClipQuantile { get; set; }

    public string ColumnName => string.IsNullOrEmpty(Column) ? Name : Column;

    public bool MultiValued => !string.IsNullOrEmpty(ListSeparator);
}
