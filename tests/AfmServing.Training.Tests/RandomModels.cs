using AfmServing.Training.Data;
using AfmServing.Training.Model;

namespace AfmServing.Training.Tests;

/// <summary>Small random models and datasets for the model, optimiser and trainer tests.</summary>
internal static class RandomModels
{
    /// <summary>Field i owns table rows [i·perField, (i + 1)·perField).</summary>
    public static AfmParameters Create(int fields, int perField, int k, int t, bool useAttention, int seed, double scale = 0.5)
    {
        var m = new AfmParameters(fields * perField, fields, k, t, useAttention);
        var rng = new Random(seed);
        Fill(m.Embeddings, rng, scale);
        Fill(m.Linear, rng, scale);
        Fill(m.Bias, rng, 0.2);
        Fill(m.AttentionW, rng, scale * 2);
        Fill(m.AttentionB, rng, 0.2);
        Fill(m.AttentionH, rng, scale * 2);
        Fill(m.Projection, rng, scale * 2);
        return m;
    }

    /// <summary>
    /// Rows with categorical (x = 1) and numeric-like (x in [-2, 2]) values; each field is missing
    /// (x = 0) with probability <paramref name="missingRate"/>. Labels are random.
    /// </summary>
    public static EncodedDataset Data(int rows, int fields, int perField, int seed, double missingRate = 0, bool numeric = true)
    {
        var rng = new Random(seed);
        var ids = new long[rows * fields];
        var values = new float[rows * fields];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < fields; i++)
            {
                int cell = r * fields + i;
                ids[cell] = i * perField + rng.Next(perField);
                if (rng.NextDouble() < missingRate)
                {
                    ids[cell] = i * perField;
                    values[cell] = 0;
                }
                else
                {
                    values[cell] = numeric && i % 3 == 2 ? (float)(rng.NextDouble() * 4 - 2) : 1f;
                }
            }
            labels[r] = rng.Next(2);
        }
        return new EncodedDataset(fields, ids, values, labels);
    }

    /// <summary>Masks fields (x = 0, id = the field's first row) of one row.</summary>
    public static void Mask(EncodedDataset data, int row, int perField, params int[] fields)
    {
        foreach (int i in fields)
        {
            data.Values[row * data.FieldCount + i] = 0;
            data.Ids[row * data.FieldCount + i] = i * perField;
        }
    }

    public static void Fill(float[] values, Random rng, double std)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(Gaussian(rng) * std);
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Mean log loss of the reference (double) model over all rows.</summary>
    public static double ReferenceLoss(AfmParameters m, EncodedDataset data)
    {
        int f = data.FieldCount;
        var attention = new double[m.PairCount];
        double sum = 0;
        for (int r = 0; r < data.Rows; r++)
        {
            double z = AfmReference.Logit(m, data.Ids.AsSpan(r * f, f), data.Values.AsSpan(r * f, f), attention);
            double y = data.Labels[r];
            sum += Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }
        return sum / data.Rows;
    }
}
