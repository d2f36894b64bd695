using System.Globalization;

namespace AfmServing.Core.Features.Conversion;

/// <summary>Counts from <see cref="FrappeItemExport.Export"/>.</summary>
/// <param name="Items">Distinct items written.</param>
/// <param name="ItemsWithCost">Items whose cost was known from a positive row.</param>
/// <param name="CostConflicts">Items whose positive rows disagreed on cost (the most frequent one was kept).</param>
/// <param name="Rows">libFM rows read.</param>
public sealed record FrappeItemExportSummary(int Items, int ItemsWithCost, int CostConflicts, long Rows);

/// <summary>
/// Turns Frappe libFM files into an item entity file <c>id,item,cost</c>: id and item = the item's libFM token
/// (field 2, e.g. <c>1572</c>), cost = the cost token (field 7: <c>5058</c> or <c>5059</c>), the raw values a
/// model trained on the libFM ids expects. Cost is taken from positive rows only: the dataset's negatives were
/// sampled with random context, so in them the same app shows both costs (2,174 of 4,082 apps in test +
/// validation), while in positives each app has one. Apps seen only in negatives get no cost (missing).
/// </summary>
public static class FrappeItemExport
{
    private const int ItemPosition = 2;
    private const int CostPosition = 7;

    public static FrappeItemExportSummary Export(IReadOnlyList<string> libfmPaths, string outCsv)
    {
        ArgumentNullException.ThrowIfNull(libfmPaths);
        ArgumentException.ThrowIfNullOrEmpty(outCsv);
        var costCounts = new Dictionary<long, Dictionary<string, int>>();
        long rows = 0;
        foreach (var path in libfmPaths)
        {
            long line = 0;
            foreach (var raw in File.ReadLines(path))
            {
                line++;
                var text = raw.AsSpan().Trim();
                if (text.IsEmpty)
                    continue;
                rows++;
                ParseRow(path, line, text, out bool positive, out long item, out string cost);
                if (!costCounts.TryGetValue(item, out var counts))
                    costCounts[item] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
                if (positive)
                    counts[cost] = counts.GetValueOrDefault(cost) + 1;
            }
        }

        var items = costCounts.Keys.ToArray();
        Array.Sort(items);
        int withCost = 0, conflicts = 0;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outCsv));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        using var writer = new StreamWriter(outCsv);
        CsvCells.WriteRow(writer, "id", "item", "cost");
        foreach (var item in items)
        {
            var counts = costCounts[item];
            string? cost = null;
            int best = 0;
            foreach (var (value, count) in counts)
                if (count > best || (count == best && string.CompareOrdinal(value, cost) < 0))
                    (cost, best) = (value, count);
            if (cost is not null)
                withCost++;
            if (counts.Count > 1)
                conflicts++;
            string id = item.ToString(CultureInfo.InvariantCulture);
            CsvCells.WriteRow(writer, id, id, cost);
        }
        return new FrappeItemExportSummary(items.Length, withCost, conflicts, rows);
    }

    private static void ParseRow(string path, long line, ReadOnlySpan<char> text, out bool positive, out long item, out string cost)
    {
        item = 0;
        cost = "";
        int position = 0;
        positive = false;
        foreach (var range in text.SplitAny(' ', '\t'))
        {
            var token = text[range];
            if (token.IsEmpty)
                continue;
            if (position == 0)
            {
                if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double label))
                    throw new EntityFileException(path, line, $"label '{token}' is not a number");
                positive = label > 0;
            }
            else if (position is ItemPosition or CostPosition)
            {
                int colon = token.IndexOf(':');
                var id = colon < 0 ? token : token[..colon];
                if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                    throw new EntityFileException(path, line, $"field {position}: '{token}' is not id:value");
                if (position == ItemPosition)
                    item = value;
                else
                    cost = value.ToString(CultureInfo.InvariantCulture);
            }
            position++;
        }
        if (position <= CostPosition)
            throw new EntityFileException(path, line, $"expected a label and 10 fields, found {Math.Max(0, position - 1)} fields");
    }
}
