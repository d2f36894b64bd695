using AfmServing.Training.Model;

namespace AfmServing.Training.Optimization;

/// <summary>
/// Walks the parameter groups the way every optimiser here does: dense groups whole, table-indexed groups
/// (embeddings, linear) only over the rows the batch touched, attention groups only when the model uses them.
/// </summary>
internal static class SparseUpdate
{
    /// <summary>An element-wise rule: (parameters, gradients, first state, second state).</summary>
    public delegate void Rule(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> first, Span<float> second);

    public static void Apply(AfmParameters m, AfmGradients g, OptimizerState s1, OptimizerState s2, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(g);
        if (g.Embeddings.Length != m.Embeddings.Length || g.AttentionW.Length != m.AttentionW.Length)
            throw new ArgumentException("gradients do not have the model's shape", nameof(g));

        rule(m.Bias, g.Bias, s1.Bias, s2.Bias);
        rule(m.Projection, g.Projection, s1.Projection, s2.Projection);
        if (m.UseAttention)
        {
            rule(m.AttentionW, g.AttentionW, s1.AttentionW, s2.AttentionW);
            rule(m.AttentionB, g.AttentionB, s1.AttentionB, s2.AttentionB);
            rule(m.AttentionH, g.AttentionH, s1.AttentionH, s2.AttentionH);
        }

        int k = m.EmbeddingSize;
        foreach (int row in g.TouchedRows)
        {
            int o = row * k;
            rule(m.Embeddings.AsSpan(o, k), g.Embeddings.AsSpan(o, k), s1.Embeddings.AsSpan(o, k), s2.Embeddings.AsSpan(o, k));
            rule(m.Linear.AsSpan(row, 1), g.Linear.AsSpan(row, 1), s1.Linear.AsSpan(row, 1), s2.Linear.AsSpan(row, 1));
        }
    }
}
