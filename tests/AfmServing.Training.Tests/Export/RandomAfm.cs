using AfmServing.Training.Data;
using AfmServing.Training.Model;

namespace AfmServing.Training.Tests.Export;

/// <summary>Random parameters and rows for export parity tests (seeded, so failures reproduce).</summary>
internal static class RandomAfm
{
    public static AfmParameters Parameters(int tableSize, int fields, int k, int t, bool attention, int seed, double scale = 0.5)
    {
        var rng = new Random(seed);
        var m = new AfmParameters(tableSize, fields, k, t, attention);
        foreach (var (_, values) in m.Groups)
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)((rng.NextDouble() * 2 - 1) * scale * 2);
        return m;
    }

    /// <summary>
    /// Rows over <paramref name="fields"/> fields of <paramref name="rowsPerField"/> table rows each, with the
    /// cases masking must handle: some fields missing (x = 0), numeric-like values, a row with every field missing,
    /// a row with one present field (no present pair) and a row with exactly one present pair.
    /// </summary>
    public static EncodedDataset Rows(int count, int fields, int rowsPerField, int seed)
    {
        var rng = new Random(seed);
        var ids = new long[count * fields];
        var values = new float[count * fields];
        var labels = new float[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = rng.Next(2);
            for (int f = 0; f < fields; f++)
            {
                ids[r * fields + f] = f * rowsPerField + rng.Next(rowsPerField);
                double u = rng.NextDouble();
                values[r * fields + f] = u < 0.2 ? 0f : u < 0.35 ? (float)(rng.NextDouble() * 4 - 2) : 1f;
            }
        }
        for (int f = 0; f < fields; f++)
        {
            values[0 * fields + f] = 0f;                 // row 0: nothing present
            values[1 * fields + f] = f == 2 ? 1f : 0f;   // row 1: one field, no pair
            values[2 * fields + f] = f is 0 or 3 ? 1f : 0f; // row 2: one pair
            values[3 * fields + f] = 1f;                 // row 3: everything present
        }
        return new EncodedDataset(fields, ids, values, labels);
    }
}
