using System.Globalization;
using System.Text;
using AfmServing.Core.Encoding;

namespace AfmServing.Training.Data;

/// <summary>
/// Reads a delimited text file with a header row (Criteo, Avazu, Taobao samples …) into raw rows, driven by a
/// <see cref="DatasetSchema"/>. Empty cells are missing values; values are kept as strings (an Avazu id of 20
/// digits stays exact).
/// </summary>
public static class DelimitedReader
{
    public static RawDataset Read(string path, DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(schema);
        if (!File.Exists(path))
            throw new DataFormatException(path, 0, "file not found");
        char separator = schema.SeparatorChar;
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (header is null)
            throw new DataFormatException(path, 1, "file is empty (expected a header row)");
        var columns = Split(header.TrimEnd('\r'), separator);
        int labelIndex = IndexOf(path, columns, schema.LabelColumn, "label column");
        var fieldIndex = new int[schema.Fields.Count];
        for (int f = 0; f < fieldIndex.Length; f++)
            fieldIndex[f] = IndexOf(path, columns, schema.Fields[f].ColumnName, $"column for field '{schema.Fields[f].Name}':");

        var names = schema.Fields.ConvertAll(f => f.Name);
        var rows = new List<RawRow>();
        long line = 1;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            text = text.TrimEnd('\r');
            if (text.Length == 0)
                continue;
            var cells = Split(text, separator);
            if (cells.Count != columns.Count)
                throw new DataFormatException(path, line, string.Create(CultureInfo.InvariantCulture, $"{cells.Count} cells, the header has {columns.Count}"));
            float label = ParseLabel(path, line, cells[labelIndex], schema);
            var values = new string?[fieldIndex.Length];
            for (int f = 0; f < fieldIndex.Length; f++)
            {
                string cell = cells[fieldIndex[f]];
                var spec = schema.Fields[f];
                values[f] = cell.Length == 0 ? null
                    : spec.MultiValued ? CanonicalList(cell, spec.ListSeparator!)
                    : cell;
            }
            rows.Add(new RawRow(line, label, values));
        }
        return new RawDataset(path, names, rows);
    }

    /// <summary>The canonical sorted, distinct, '|'-joined form FieldEncoder uses for lists; null when empty.</summary>
    internal static string? CanonicalList(string cell, string separator)
    {
        var canonical = FieldEncoder.Canonicalise(cell.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return canonical.Length == 0 ? null : canonical;
    }

    private static float ParseLabel(string path, long line, string cell, DatasetSchema schema)
    {
        if (cell.Length == 0)
            throw new DataFormatException(path, line, $"label column '{schema.LabelColumn}' is empty");
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new DataFormatException(path, line, $"label '{LibFmReader.Short(cell)}' in column '{schema.LabelColumn}' is not a number");
        return v >= schema.PositiveLabelAtLeast ? 1f : 0f;
    }

    private static int IndexOf(string path, List<string> columns, string name, string what)
    {
        int i = columns.IndexOf(name);
        if (i < 0)
            throw new DataFormatException(path, 1, $"header has no {what} '{name}'");
        return i;
    }

    /// <summary>Splits one line on <paramref name="separator"/>; double quotes protect separators and "" is a literal quote.</summary>
    internal static List<string> Split(string line, char separator) => AfmServing.Core.Features.DelimitedLine.Split(line, separator);
}
