using AfmServing.TestSupport;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// Real rows of the Criteo, Avazu and Taobao samples in shared/data (read in place, never copied): header columns
/// and cells as text, empty cells kept empty. The label column is dropped.
/// </summary>
public sealed class SampleRows
{
    private SampleRows(string name, string[] columns, string[][] rows, HashSet<string> numeric, HashSet<string> multiValued)
    {
        Name = name;
        Columns = columns;
        Rows = rows;
        Numeric = numeric;
        MultiValued = multiValued;
    }

    public string Name { get; }

    /// <summary>Feature columns in file order (the label excluded).</summary>
    public string[] Columns { get; }

    /// <summary>Cells of each row, aligned with <see cref="Columns"/>.</summary>
    public string[][] Rows { get; }

    /// <summary>Columns that hold numbers (sent as JSON numbers).</summary>
    public HashSet<string> Numeric { get; }

    /// <summary>Columns that hold '^'-separated id lists (sent as lists of strings).</summary>
    public HashSet<string> MultiValued { get; }

    /// <summary>Criteo: I1..I13 integer counts (often empty, I2 sometimes negative), C1..C26 hex hashes (sometimes empty).</summary>
    public static SampleRows Criteo { get; } = Read("criteo", SharedData.Path("criteo", "criteo_sample.txt"), "label",
        numeric: [.. Enumerable.Range(1, 13).Select(i => $"I{i}")], multiValued: []);

    /// <summary>Avazu: a 20-digit id, hex strings and ints; no empty cells but ids beyond Int64.</summary>
    public static SampleRows Avazu { get; } = Read("avazu", SharedData.Path("avazu", "avazu_sample.txt"), "click", numeric: [], multiValued: []);

    /// <summary>Taobao: a float price, empty pvalue_level/new_user_class_level cells, a '^'-separated click sequence.</summary>
    public static SampleRows Taobao { get; } = Read("taobao", SharedData.Path("taobao-ad-tiny", "test_sample.csv"), "clk",
        numeric: ["price"], multiValued: ["click_sequence"]);

    /// <summary>Cells that are empty, over all rows.</summary>
    public int EmptyCells => Rows.Sum(r => r.Count(c => c.Length == 0));

    private static SampleRows Read(string name, string path, string label, HashSet<string> numeric, HashSet<string> multiValued)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        int labelAt = Array.IndexOf(header, label);
        if (labelAt < 0)
            throw new InvalidDataException($"{path}: no '{label}' column");
        var columns = header.Where((_, i) => i != labelAt).ToArray();
        var rows = lines.Skip(1).Select(l =>
        {
            var cells = l.TrimEnd('\r').Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}: a row has {cells.Length} cells, the header {header.Length}");
            return cells.Where((_, i) => i != labelAt).ToArray();
        }).ToArray();
        return new SampleRows(name, columns, rows, numeric, multiValued);
    }
}
