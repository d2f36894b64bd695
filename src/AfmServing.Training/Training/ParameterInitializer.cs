using AfmServing.Training.Model;

namespace AfmServing.Training.Training;

/// <summary>Seeded initial weights.</summary>
internal static class ParameterInitializer
{
    private const long InitStream = 0x1417;

    /// <summary>
    /// Embeddings ~ N(0, initStd²); linear weights 0; bias = log-odds of the positive rate, so the first
    /// batches do not spend themselves learning the base rate; W and h Glorot-normal, b 0 (the attention MLP
    /// must start away from all-dead ReLUs); projection p = 1, so the model starts as a plain FM of its pairs.
    /// </summary>
    public static void Initialize(AfmParameters m, float initStd, double positiveRate, int seed)
    {
        var rng = SplitMix64.For(seed, InitStream);
        Normal(m.Embeddings, initStd, ref rng);
        Array.Clear(m.Linear);
        double rate = Math.Clamp(positiveRate, 1e-4, 1 - 1e-4);
        m.Bias[0] = (float)Math.Log(rate / (1 - rate));
        Normal(m.AttentionW, Math.Sqrt(2.0 / (m.EmbeddingSize + m.AttentionSize)), ref rng);
        Array.Clear(m.AttentionB);
        Normal(m.AttentionH, Math.Sqrt(2.0 / (m.AttentionSize + 1)), ref rng);
        Array.Fill(m.Projection, 1f);
    }

    private static void Normal(float[] values, double std, ref SplitMix64 rng)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(rng.NextGaussian() * std);
    }
}
