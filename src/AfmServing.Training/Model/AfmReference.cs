namespace AfmServing.Training.Model;

/// <summary>
/// The AFM of DESIGN.md written as plainly as possible, in double precision, one row at a time.
/// It is the oracle for the vectorised trainer's gradient checks and for ONNX parity; never used to train.
/// </summary>
public static class AfmReference
{
    /// <summary>Forward pass for one row.</summary>
    /// <param name="m">Parameters.</param>
    /// <param name="ids">F table rows (field offsets applied).</param>
    /// <param name="values">F values x_i (0 = missing, masked).</param>
    /// <param name="attention">Receives P attention weights (0 for masked pairs; all 1 for present pairs in FM).</param>
    /// <returns>The logit.</returns>
    public static double Logit(AfmParameters m, ReadOnlySpan<long> ids, ReadOnlySpan<float> values, Span<double> attention)
    {
        ArgumentNullException.ThrowIfNull(m);
        int f = m.FieldCount, k = m.EmbeddingSize, t = m.AttentionSize, pairs = m.PairCount;
        var e = new double[f * k];
        double logit = m.Bias[0];
        for (int i = 0; i < f; i++)
        {
            logit += m.Linear[ids[i]] * (double)values[i];
            for (int d = 0; d < k; d++)
                e[i * k + d] = m.Embeddings[ids[i] * k + d] * (double)values[i];
        }

        var prod = new double[pairs * k];
        var score = new double[pairs];
        var present = new bool[pairs];
        int p = 0;
        for (int i = 0; i < f; i++)
        {
            for (int j = i + 1; j < f; j++, p++)
            {
                present[p] = (double)values[i] * values[j] != 0;
                for (int d = 0; d < k; d++)
                    prod[p * k + d] = e[i * k + d] * e[j * k + d];
                double s = 0;
                for (int a = 0; a < t; a++)
                {
                    double hidden = m.AttentionB[a];
                    for (int d = 0; d < k; d++)
                        hidden += m.AttentionW[d * t + a] * prod[p * k + d];
                    s += m.AttentionH[a] * Math.Max(0, hidden);
                }
                score[p] = s;
            }
        }

        double max = double.NegativeInfinity;
        for (p = 0; p < pairs; p++)
            if (present[p]) max = Math.Max(max, score[p]);
        double sum = 0;
        for (p = 0; p < pairs; p++)
        {
            attention[p] = !present[p] ? 0 : m.UseAttention ? Math.Exp(score[p] - max) : 1;
            sum += attention[p];
        }
        if (m.UseAttention && sum > 0)
            for (p = 0; p < pairs; p++)
                attention[p] /= sum;

        for (p = 0; p < pairs; p++)
        {
            if (attention[p] == 0) continue;
            for (int d = 0; d < k; d++)
                logit += m.Projection[d] * attention[p] * prod[p * k + d];
        }
        return logit;
    }

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
