namespace AfmServing.Training.Model;

/// <summary>
/// All trainable parameters of an AFM (or FM, when <see cref="UseAttention"/> is false), stored as flat
/// row-major arrays so that the trainer, the exporter and the reference forward pass share one layout.
/// </summary>
public sealed class AfmParameters
{
    public AfmParameters(int tableSize, int fieldCount, int embeddingSize, int attentionSize, bool useAttention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fieldCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attentionSize, 1);
        TableSize = tableSize;
        FieldCount = fieldCount;
        EmbeddingSize = embeddingSize;
        AttentionSize = attentionSize;
        UseAttention = useAttention;
        Embeddings = new float[tableSize * embeddingSize];
        Linear = new float[tableSize];
        Bias = new float[1];
        AttentionW = new float[embeddingSize * attentionSize];
        AttentionB = new float[attentionSize];
        AttentionH = new float[attentionSize];
        Projection = new float[embeddingSize];
    }

    /// <summary>Rows of the embedding table.</summary>
    public int TableSize { get; }

    /// <summary>F.</summary>
    public int FieldCount { get; }

    /// <summary>k.</summary>
    public int EmbeddingSize { get; }

    /// <summary>t.</summary>
    public int AttentionSize { get; }

    /// <summary>AFM when true; FM (every attention weight 1) when false.</summary>
    public bool UseAttention { get; }

    /// <summary>P = F(F-1)/2.</summary>
    public int PairCount => FieldCount * (FieldCount - 1) / 2;

    /// <summary>v: [TableSize, k].</summary>
    public float[] Embeddings { get; }

    /// <summary>w: [TableSize], first-order weights.</summary>
    public float[] Linear { get; }

    /// <summary>w0: [1], global bias.</summary>
    public float[] Bias { get; }

    /// <summary>W: [k, t], attention MLP weights (row-major: W[i, j] at i * t + j).</summary>
    public float[] AttentionW { get; }

    /// <summary>b: [t].</summary>
    public float[] AttentionB { get; }

    /// <summary>h: [t].</summary>
    public float[] AttentionH { get; }

    /// <summary>p: [k], projection of the pooled vector to the logit.</summary>
    public float[] Projection { get; }

    /// <summary>Every parameter group by name, in a fixed order (used by optimisers, gradient checks, export).</summary>
    public IReadOnlyList<(string Name, float[] Values)> Groups =>
    [
        ("embeddings", Embeddings), ("linear", Linear), ("bias", Bias),
        ("attention_w", AttentionW), ("attention_b", AttentionB), ("attention_h", AttentionH), ("projection", Projection),
    ];
}
