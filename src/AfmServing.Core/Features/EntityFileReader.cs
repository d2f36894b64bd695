using System.Globalization;
using System.Text.Json;

namespace AfmServing.Core.Features;

/// <summary>One entity read from a feature file: its id, its raw feature values and its line number.</summary>
/// <param name="Line">1-based line of the record in its file.</param>
/// <param name="Id">Entity id.</param>
/// <param name="Features">Feature name to raw string value (numbers in invariant culture).</param>
public sealed record EntityRecord(long Line, string Id, IReadOnlyDictionary<string, string> Features);

/// <summary>A record that could not be read, with its line and the reason.</summary>
public sealed class EntityFileException(string path, long line, string reason)
    : FormatException($"{path}:{line}: {reason}")
{
    public string FilePath { get; } = path;
    public long Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>One line of an entity file: a record, or the error that made the line unreadable.</summary>
public readonly record struct EntityReadResult(EntityRecord? Record, EntityFileException? Error);

/// <summary>
/// Reads entity feature files: CSV with a header row, or JSONL with one object per line. The id column
/// (default <c>id</c>) names the entity; every other column is a feature; empty cells are not stored.
/// The embedded store and <c>afm features load</c> both read files through this class.
/// </summary>
public static class EntityFileReader
{
    /// <summary>Streams the records of <paramref name="path"/>. Throws <see cref="EntityFileException"/> on a bad line.</summary>
    public static IEnumerable<EntityRecord> Read(string path, string idColumn = "id")
    {
        foreach (var r in ReadLenient(path, idColumn))
            yield return r.Record ?? throw r.Error!;
    }

    /// <summary>
    /// Streams every line of <paramref name="path"/> as a record or, for a bad line, its error, and goes on past
    /// bad lines (the bulk loader skips and reports them). A missing file or a CSV header without the id column
    /// still throws: nothing in the file could be read.
    /// </summary>
    public static IEnumerable<EntityReadResult> ReadLenient(string path, string idColumn = "id")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentException.ThrowIfNullOrEmpty(idColumn);
        if (!File.Exists(path))
            throw new FileNotFoundException($"entity file not found: {path}", path);
        return IsJsonLines(path) ? ReadJsonLines(path, idColumn) : ReadCsv(path, idColumn);
    }

    /// <summary>True for <c>.jsonl</c>/<c>.json</c> files (one JSON object per line); other files are CSV.</summary>
    public static bool IsJsonLines(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<EntityReadResult> ReadJsonLines(string path, string idColumn)
    {
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            yield return TryParseJsonLine(path, line, text, idColumn);
        }
    }

    private static EntityReadResult TryParseJsonLine(string path, long line, string text, string idColumn)
    {
        try
        {
            return new EntityReadResult(ParseJsonLine(path, line, text, idColumn), null);
        }
        catch (EntityFileException e)
        {
            return new EntityReadResult(null, e);
        }
    }

    private static EntityRecord ParseJsonLine(string path, long line, string text, string idColumn)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new EntityFileException(path, line, $"invalid JSON ({e.Message.Split('.')[0]})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new EntityFileException(path, line, "expected a JSON object");
            string? id = null;
            var features = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string? value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.True => "1",
                    JsonValueKind.False => "0",
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => JoinArray(path, line, p),
                    _ => throw new EntityFileException(path, line, $"'{p.Name}': objects are not feature values"),
                };
                if (p.NameEquals(idColumn))
                    id = value;
                else if (!string.IsNullOrEmpty(value))
                    features[p.Name] = value;
            }
            if (string.IsNullOrEmpty(id))
                throw new EntityFileException(path, line, $"missing id column '{idColumn}'");
            return new EntityRecord(line, id, features);
        }
    }

    private static string JoinArray(string path, long line, JsonProperty p)
    {
        var parts = new List<string>();
        foreach (var e in p.Value.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String)
                throw new EntityFileException(path, line, $"'{p.Name}': a list must hold strings only");
            parts.Add(e.GetString()!);
        }
        return string.Join('|', parts);
    }

    private static IEnumerable<EntityReadResult> ReadCsv(string path, string idColumn)
    {
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (header is null)
            yield break;
        var columns = SplitCsv(header.TrimEnd('\r'));
        int idIndex = columns.IndexOf(idColumn);
        if (idIndex < 0)
            throw new EntityFileException(path, 1, $"header has no id column '{idColumn}'");
        long line = 1;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            text = text.TrimEnd('\r');
            if (text.Length == 0)
                continue;
            var cells = SplitCsv(text);
            if (cells.Count != columns.Count)
            {
                yield return new EntityReadResult(null, new EntityFileException(path, line,
                    string.Create(CultureInfo.InvariantCulture, $"expected {columns.Count} cells, found {cells.Count}")));
                continue;
            }
            string id = cells[idIndex];
            if (id.Length == 0)
            {
                yield return new EntityReadResult(null, new EntityFileException(path, line, $"empty id in column '{idColumn}'"));
                continue;
            }
            var features = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < cells.Count; i++)
                if (i != idIndex && cells[i].Length > 0)
                    features[columns[i]] = cells[i];
            yield return new EntityReadResult(new EntityRecord(line, id, features), null);
        }
    }

    /// <summary>Splits one CSV line; double quotes protect commas and "" is a literal quote.</summary>
    internal static List<string> SplitCsv(string line) => DelimitedLine.Split(line, ',');
}
