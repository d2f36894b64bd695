using System.Globalization;
using AfmServing.Core.Encoding;
using AfmServing.Core.Manifest;

namespace AfmServing.Training.Data;

/// <summary>The manifest fields fitted on a training split, with their offsets, and the table size.</summary>
public sealed record FieldLayout(List<FieldSpec> Fields, int TableSize);

/// <summary>
/// Fits the manifest's <see cref="FieldSpec"/>s on the training split only: vocabularies (values seen at least
/// MinCount times, by descending count then ordinal; row 0 of each field is the OOV bucket), hash bucket counts,
/// numeric clip quantiles and standardisation constants. Offsets are assigned in schema order.
/// </summary>
public static class FieldLayoutBuilder
{
    public static FieldLayout Fit(DatasetSchema schema, RawDataset train)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(train);
        schema.Validate("schema");
        CheckFieldOrder(schema, train);
        var specs = new List<FieldSpec>(schema.Fields.Count);
        int offset = 0;
        for (int f = 0; f < schema.Fields.Count; f++)
        {
            var s = schema.Fields[f];
            var spec = new FieldSpec { Name = s.Name, Kind = s.Kind, Source = s.Source, Offset = offset, MultiValued = s.MultiValued, EntityId = s.EntityId };
            if (s.Kind == FieldKinds.Numeric)
            {
                spec.Numeric = FitNumeric(s, f, train);
                spec.Size = 1;
            }
            else if (s.Encoding == CategoricalEncodings.Hash)
            {
                spec.Categorical = new CategoricalEncoding { Encoding = CategoricalEncodings.Hash, Hash = StableHash.Fnv1a64Name, Buckets = s.Buckets };
                spec.Size = s.Buckets;
            }
            else
            {
                var vocabulary = FitVocabulary(f, s.MinCount, train);
                spec.Categorical = new CategoricalEncoding { Encoding = CategoricalEncodings.Vocabulary, Vocabulary = vocabulary, MinCount = s.MinCount };
                spec.Size = vocabulary.Count + 1;
            }
            specs.Add(spec);
            offset = checked(offset + spec.Size);
        }
        return new FieldLayout(specs, offset);
    }

    internal static void CheckFieldOrder(DatasetSchema schema, RawDataset data)
    {
        bool same = data.FieldNames.Count == schema.Fields.Count;
        for (int f = 0; same && f < schema.Fields.Count; f++)
            same = data.FieldNames[f] == schema.Fields[f].Name;
        if (!same)
            throw new DataFormatException(data.Source, 0,
                $"rows have fields [{string.Join(", ", data.FieldNames)}] but the schema has [{string.Join(", ", schema.Fields.Select(x => x.Name))}]");
    }

    private static List<string> FitVocabulary(int field, int minCount, RawDataset train)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in train.Rows)
        {
            string? v = row.Values[field];
            if (!string.IsNullOrEmpty(v))
                counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        var kept = counts.Where(kv => kv.Value >= minCount).ToList();
        kept.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        return kept.ConvertAll(kv => kv.Key);
    }

    private static NumericTransform FitNumeric(FieldSchema s, int field, RawDataset train)
    {
        var raw = new List<double>();
        foreach (var row in train.Rows)
        {
            string? v = row.Values[field];
            if (string.IsNullOrEmpty(v))
                continue;
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                throw new DataFormatException(train.Source, row.Line, $"field '{s.Name}': '{LibFmReader.Short(v)}' is not a finite number");
            raw.Add(d);
        }
        var transform = new NumericTransform { Log1p = s.Log1p, Mean = 0, Std = 1 };
        if (s.ClipQuantile is { } q && raw.Count > 0)
        {
            var sorted = raw.ToArray();
            Array.Sort(sorted);
            transform.ClipMin = sorted[(int)Math.Floor((1 - q) * (sorted.Length - 1))];
            transform.ClipMax = sorted[(int)Math.Ceiling(q * (sorted.Length - 1))];
        }
        if (!s.Standardise || raw.Count == 0)
            return transform;
        // Fit on exactly the transform the encoder will apply (clip, log1p), so serving sees the same numbers.
        var encoder = new FieldEncoder(new FieldSpec { Name = s.Name, Kind = FieldKinds.Numeric, Size = 1, Numeric = transform }, field);
        double sum = 0, sumSquares = 0;
        foreach (double d in raw)
        {
            double t = encoder.Transform(d);
            sum += t;
            sumSquares += t * t;
        }
        double mean = sum / raw.Count;
        double variance = Math.Max(0, sumSquares / raw.Count - mean * mean);
        double std = Math.Sqrt(variance);
        transform.Mean = mean;
        transform.Std = std > 1e-12 ? std : 1;
        return transform;
    }
}
