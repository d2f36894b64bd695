using System.Globalization;
using AfmServing.Core.Features;
using AfmServing.Core.Manifest;
using AfmServing.Core.Scoring;

namespace AfmServing.Benchmarks.HotPath;

/// <summary>
/// Frappe-shaped inputs for the hot-path benchmarks and for the allocation-budget tests, which compile this file
/// too, so a budget always measures exactly what the benchmark reports. Ten categorical fields (user, item,
/// eight context fields, cost from the item), values like libFM ids ("5041"), 200 known values per field.
/// </summary>
internal static class FrappeShapes
{
    public static readonly string[] Fields = ["user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city"];
    private const int Vocabulary = 200;

    public static ModelManifest Manifest()
    {
        var fields = new List<FieldSpec>();
        int offset = 0;
        for (int f = 0; f < Fields.Length; f++)
        {
            var vocabulary = new List<string>(Vocabulary);
            for (int i = 0; i < Vocabulary; i++)
                vocabulary.Add(Value(f, i));
            fields.Add(new FieldSpec
            {
                Name = Fields[f],
                Source = Fields[f] switch { "user" => FieldSources.User, "item" or "cost" => FieldSources.Item, _ => FieldSources.Context },
                EntityId = Fields[f] is "user" or "item",
                Offset = offset,
                Size = Vocabulary + 1,
                Categorical = new CategoricalEncoding { Encoding = CategoricalEncodings.Vocabulary, Vocabulary = vocabulary },
            });
            offset += Vocabulary + 1;
        }
        return new ModelManifest { Name = "frappe-afm", Version = "1", Fields = fields, TableSize = offset, EmbeddingSize = 16, AttentionSize = 16 };
    }

    /// <summary>The libFM-style raw value i of field f.</summary>
    public static string Value(int field, int i) => (5000 + field * Vocabulary + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>Every field in the request: user and context fields in context, item and cost per candidate (afm bench --features request).</summary>
    public static ScoreQuery Query(int candidates)
    {
        var context = new Dictionary<string, FeatureValue>(StringComparer.Ordinal);
        for (int f = 0; f < Fields.Length; f++)
            if (Fields[f] is not ("item" or "cost"))
                context[Fields[f]] = FeatureValue.FromString(Value(f, 7 * f % Vocabulary));
        var list = new CandidateQuery[candidates];
        for (int c = 0; c < candidates; c++)
        {
            string item = Value(1, c % Vocabulary);
            list[c] = new CandidateQuery
            {
                ItemId = item,
                Features = new Dictionary<string, FeatureValue>(StringComparer.Ordinal)
                {
                    ["item"] = FeatureValue.FromString(item),
                    ["cost"] = FeatureValue.FromString(Value(6, c % 2)),
                },
            };
        }
        return new ScoreQuery { UserId = Value(0, 7), Context = context, Candidates = list };
    }
}
