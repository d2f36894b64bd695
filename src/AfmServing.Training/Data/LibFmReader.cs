using System.Globalization;

namespace AfmServing.Training.Data;

/// <summary>
/// Reads one-hot libFM files (<c>label id:1 id:1 …</c>) whose i-th token always belongs to the i-th field, as
/// in the AFM paper's Frappe split. A field's raw value is its libFM feature id as a decimal string.
/// </summary>
public static class LibFmReader
{
    /// <summary>Frappe's 10 fields in file order.</summary>
    public static readonly IReadOnlyList<string> FrappeFields =
        ["user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city"];

    /// <summary>Reads every row of <paramref name="path"/>; throws <see cref="DataFormatException"/> on the first bad line.</summary>
    public static RawDataset Read(string path, IReadOnlyList<string>? fieldNames = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        fieldNames ??= FrappeFields;
        if (!File.Exists(path))
            throw new DataFormatException(path, 0, "file not found");
        var rows = new List<RawRow>();
        long line = 0;
        using var reader = new StreamReader(path);
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            // ReadLine already drops "\r\n"; a lone trailing '\r' (mixed endings) is trimmed too.
            var span = text.AsSpan().Trim();
            if (span.IsEmpty)
                continue;
            rows.Add(ParseLine(path, line, span, fieldNames));
        }
        return new RawDataset(path, fieldNames, rows);
    }

    internal static RawRow ParseLine(string path, long line, ReadOnlySpan<char> text, IReadOnlyList<string> fieldNames)
    {
        var values = new string?[fieldNames.Count];
        float label = 0;
        int token = 0;
        foreach (var range in text.SplitAny(' ', '\t'))
        {
            var part = text[range];
            if (part.IsEmpty)
                continue;
            if (token == 0)
            {
                label = ParseLabel(path, line, part);
            }
            else
            {
                int field = token - 1;
                if (field >= fieldNames.Count)
                    throw new DataFormatException(path, line, string.Create(CultureInfo.InvariantCulture, $"more than {fieldNames.Count} features (expected one per field)"));
                values[field] = ParseFeature(path, line, part, fieldNames[field]);
            }
            token++;
        }
        if (token - 1 < fieldNames.Count)
            throw new DataFormatException(path, line, string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, token - 1)} features, expected {fieldNames.Count} (one per field)"));
        return new RawRow(line, label, values);
    }

    private static float ParseLabel(string path, long line, ReadOnlySpan<char> part)
    {
        if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new DataFormatException(path, line, $"label '{Short(part)}' is not a number");
        return v switch
        {
            1 => 1f,
            -1 or 0 => 0f,
            _ => throw new DataFormatException(path, line, $"label '{Short(part)}' is not -1, 0 or 1"),
        };
    }

    private static string ParseFeature(string path, long line, ReadOnlySpan<char> part, string field)
    {
        int colon = part.IndexOf(':');
        if (colon <= 0)
            throw new DataFormatException(path, line, $"field '{field}': token '{Short(part)}' is not id:value");
        var id = part[..colon];
        if (!ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new DataFormatException(path, line, $"field '{field}': feature id '{Short(id)}' is not a non-negative integer");
        if (!double.TryParse(part[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value != 1)
            throw new DataFormatException(path, line, $"field '{field}': feature value '{Short(part[(colon + 1)..])}' is not 1 (only one-hot libFM is supported)");
        return id.ToString();
    }

    internal static string Short(ReadOnlySpan<char> s) => s.Length <= 40 ? s.ToString() : string.Concat(s[..40], "…");
}
