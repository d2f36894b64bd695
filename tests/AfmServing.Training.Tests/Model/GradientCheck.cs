using AfmServing.Training.Data;
using AfmServing.Training.Model;

namespace AfmServing.Training.Tests.Model;

/// <summary>
/// Compares the float backward pass of <see cref="AfmModel"/> with central finite differences of the
/// double-precision <see cref="AfmReference"/> loss. The step is applied to the float parameter and the
/// step actually taken (after float rounding) is used as the denominator, so the difference quotient is exact
/// to double precision apart from O(h²) truncation.
/// </summary>
internal static class GradientCheck
{
    public const double Step = 1e-4;
    public const double AbsoluteTolerance = 2e-5;
    public const double RelativeTolerance = 1e-3;

    /// <summary>Analytic gradients of the mean log loss over every row of <paramref name="data"/>.</summary>
    public static AfmGradients Analytic(AfmParameters m, EncodedDataset data)
    {
        var g = new AfmGradients(m);
        var rows = Enumerable.Range(0, data.Rows).ToArray();
        AfmModel.AccumulateLossGradient(m, data, rows, 0, 1f / data.Rows, new PooledDropout(0, 0, 0), new AfmWorkspace(m), new float[m.EmbeddingSize], g);
        return g;
    }

    public static float[] Group(AfmGradients g, string name) => name switch
    {
        "embeddings" => g.Embeddings,
        "linear" => g.Linear,
        "bias" => g.Bias,
        "attention_w" => g.AttentionW,
        "attention_b" => g.AttentionB,
        "attention_h" => g.AttentionH,
        "projection" => g.Projection,
        _ => throw new ArgumentException(name),
    };

    public static double[] FiniteDifferences(AfmParameters m, EncodedDataset data, string group)
    {
        var values = m.Groups.Single(x => x.Name == group).Values;
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            float plus = (float)(original + Step), minus = (float)(original - Step);
            values[i] = plus;
            double lossPlus = RandomModels.ReferenceLoss(m, data);
            values[i] = minus;
            double lossMinus = RandomModels.ReferenceLoss(m, data);
            values[i] = original;
            result[i] = (lossPlus - lossMinus) / ((double)plus - minus);
        }
        return result;
    }

    /// <summary>Index of the first element outside tolerance, or -1.</summary>
    public static int FirstMismatch(ReadOnlySpan<float> analytic, ReadOnlySpan<double> numeric)
    {
        for (int i = 0; i < analytic.Length; i++)
        {
            double a = analytic[i], n = numeric[i];
            if (Math.Abs(a - n) > AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(n)))
                return i;
        }
        return -1;
    }
}
