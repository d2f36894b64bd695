namespace AfmServing.Training.Data;

/// <summary>Raw rows of one source file, with the field names their values are ordered by.</summary>
public sealed class RawDataset
{
    public RawDataset(string source, IReadOnlyList<string> fieldNames, List<RawRow> rows)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        ArgumentNullException.ThrowIfNull(rows);
        Source = source;
        FieldNames = fieldNames;
        Rows = rows;
    }

    /// <summary>File the rows came from (named in error messages).</summary>
    public string Source { get; }

    public IReadOnlyList<string> FieldNames { get; }

    public List<RawRow> Rows { get; }

    public int Count => Rows.Count;

    /// <summary>
    /// Splits in file order: the first <paramref name="fraction"/> of the rows, then the rest
    /// (the Frappe protocol's 90/10 train/early-stopping split of the validation file).
    /// </summary>
    public (RawDataset Head, RawDataset Tail) SplitByFraction(double fraction)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in (0, 1)");
        int cut = (int)Math.Round(Rows.Count * fraction);
        return (new RawDataset(Source, FieldNames, Rows.GetRange(0, cut)),
                new RawDataset(Source, FieldNames, Rows.GetRange(cut, Rows.Count - cut)));
    }
}
