namespace AfmServing.Training.Data;

/// <summary>
/// Rows already encoded for the model: F table ids and F values per row, row-major, plus 0/1 labels.
/// The layout is the graph's <c>feature_ids</c>/<c>feature_values</c> inputs, so batches can be fed as-is.
/// </summary>
public sealed class EncodedDataset
{
    public EncodedDataset(int fieldCount, long[] ids, float[] values, float[] labels)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        if (ids.Length != values.Length || ids.Length != labels.Length * fieldCount)
            throw new ArgumentException("ids and values must hold fieldCount entries per label");
        FieldCount = fieldCount;
        Ids = ids;
        Values = values;
        Labels = labels;
    }

    public int FieldCount { get; }

    public int Rows => Labels.Length;

    /// <summary>[Rows, F] table rows.</summary>
    public long[] Ids { get; }

    /// <summary>[Rows, F] values (0 = missing).</summary>
    public float[] Values { get; }

    /// <summary>[Rows] labels in {0, 1}.</summary>
    public float[] Labels { get; }

    /// <summary>A copy of rows [start, start + count).</summary>
    public EncodedDataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Rows);
        int f = FieldCount;
        return new EncodedDataset(f, Ids.AsSpan(start * f, count * f).ToArray(), Values.AsSpan(start * f, count * f).ToArray(), Labels.AsSpan(start, count).ToArray());
    }
}
