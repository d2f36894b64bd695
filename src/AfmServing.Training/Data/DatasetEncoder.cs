using AfmServing.Core.Encoding;
using AfmServing.Core.Manifest;

namespace AfmServing.Training.Data;

/// <summary>
/// Encodes raw rows into the graph's (ids, values) layout with <see cref="FieldEncoder.TryEncodeText"/>, the
/// same code the server runs on a request, so training and serving cannot disagree on an id.
/// </summary>
public static class DatasetEncoder
{
    public static EncodedDataset Encode(IReadOnlyList<FieldSpec> fields, RawDataset data)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(data);
        int f = fields.Count;
        if (data.FieldNames.Count != f)
            throw new DataFormatException(data.Source, 0, $"rows have {data.FieldNames.Count} fields, the model has {f}");
        var encoders = new FieldEncoder[f];
        for (int i = 0; i < f; i++)
        {
            if (data.FieldNames[i] != fields[i].Name)
                throw new DataFormatException(data.Source, 0, $"column {i} is field '{data.FieldNames[i]}', the model expects '{fields[i].Name}'");
            encoders[i] = new FieldEncoder(fields[i], i);
        }
        int rows = data.Rows.Count;
        var ids = new long[checked(rows * f)];
        var values = new float[rows * f];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = data.Rows[r];
            labels[r] = row.Label;
            for (int i = 0; i < f; i++)
            {
                if (!encoders[i].TryEncodeText(row.Values[i], out long id, out float x, out string? error))
                    throw new DataFormatException(data.Source, row.Line, $"field '{fields[i].Name}': {error}");
                ids[r * f + i] = id;
                values[r * f + i] = x;
            }
        }
        return new EncodedDataset(f, ids, values, labels);
    }
}
