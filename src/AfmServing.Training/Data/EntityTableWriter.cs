using System.Globalization;
using System.Text;
using AfmServing.Core.Manifest;

namespace AfmServing.Training.Data;

/// <summary>
/// Derives per-entity attribute tables (e.g. Frappe item → cost) from raw rows, for the embedded feature store:
/// CSV with an <c>id</c> column, the entity's key field itself and every other field sourced from that entity.
/// A value seen with different attributes in different rows keeps its most frequent one (ties: ordinal first);
/// with <c>positiveRowsOnly</c> only positive rows count (an entity seen only in negatives gets empty cells).
/// </summary>
public static class EntityTableWriter
{
    public const string IdColumn = "id";

    /// <summary>
    /// Writes <c>&lt;entity&gt;s.csv</c> into <paramref name="directory"/> for each entity (<c>user</c>, <c>item</c>)
    /// whose key field (named like the entity) exists and has at least one attribute field.
    /// Returns entity → file name, for the manifest's EntityFiles.
    /// </summary>
    public static Dictionary<string, string> Write(IReadOnlyList<FieldSpec> fields, IEnumerable<RawDataset> sources, string directory, bool positiveRowsOnly = false)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(sources);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var datasets = sources.ToList();
        foreach (var entity in new[] { FieldSources.User, FieldSources.Item })
        {
            int key = IndexOf(fields, entity);
            if (key < 0)
                continue;
            var attributes = new List<int>();
            for (int f = 0; f < fields.Count; f++)
                if (f != key && fields[f].Source == entity)
                    attributes.Add(f);
            if (attributes.Count == 0)
                continue;
            var table = Collect(datasets, key, attributes, positiveRowsOnly);
            string file = entity + "s.csv";
            WriteCsv(Path.Combine(directory, file), fields, key, attributes, table);
            written[entity] = file;
        }
        return written;
    }

    private static int IndexOf(IReadOnlyList<FieldSpec> fields, string name)
    {
        for (int f = 0; f < fields.Count; f++)
            if (fields[f].Name == name && fields[f].Source == name)
                return f;
        return -1;
    }

    private static SortedDictionary<string, Dictionary<string, int>[]> Collect(List<RawDataset> datasets, int key, List<int> attributes, bool positiveRowsOnly)
    {
        var table = new SortedDictionary<string, Dictionary<string, int>[]>(new NaturalOrder());
        foreach (var data in datasets)
        {
            foreach (var row in data.Rows)
            {
                string? id = row.Values[key];
                if (string.IsNullOrEmpty(id))
                    continue;
                if (!table.TryGetValue(id, out var counts))
                {
                    counts = new Dictionary<string, int>[attributes.Count];
                    for (int a = 0; a < counts.Length; a++)
                        counts[a] = new Dictionary<string, int>(StringComparer.Ordinal);
                    table[id] = counts;
                }
                if (positiveRowsOnly && row.Label != 1f)
                    continue;
                for (int a = 0; a < attributes.Count; a++)
                {
                    string? v = row.Values[attributes[a]];
                    if (!string.IsNullOrEmpty(v))
                        counts[a][v] = counts[a].GetValueOrDefault(v) + 1;
                }
            }
        }
        return table;
    }

    private static void WriteCsv(string path, IReadOnlyList<FieldSpec> fields, int key, List<int> attributes, SortedDictionary<string, Dictionary<string, int>[]> table)
    {
        var sb = new StringBuilder();
        sb.Append(IdColumn).Append(',').Append(Quote(fields[key].Name));
        foreach (int a in attributes)
            sb.Append(',').Append(Quote(fields[a].Name));
        sb.Append('\n');
        foreach (var (id, counts) in table)
        {
            sb.Append(Quote(id)).Append(',').Append(Quote(id));
            foreach (var c in counts)
                sb.Append(',').Append(Quote(MostFrequent(c)));
            sb.Append('\n');
        }
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    private static string MostFrequent(Dictionary<string, int> counts)
    {
        string best = "";
        int bestCount = 0;
        foreach (var (value, count) in counts)
            if (count > bestCount || (count == bestCount && string.CompareOrdinal(value, best) < 0))
                (best, bestCount) = (value, count);
        return best;
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Numeric ids in numeric order, then the rest ordinally, so files read naturally and diff stably.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            bool xn = long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out long a);
            bool yn = long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out long b);
            if (xn && yn) return a.CompareTo(b);
            if (xn != yn) return xn ? -1 : 1;
            return string.CompareOrdinal(x, y);
        }
    }
}
