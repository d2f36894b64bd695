namespace AfmServing.Training.Model;

/// <summary>
/// Scratch for one row's forward and backward pass. One per worker, reused for every row, so the hot
/// loop allocates nothing. Pairs are kept compacted: only present pairs (x_i·x_j ≠ 0) are stored, which is
/// how masking works (a masked pair never enters the softmax or the pooled sum).
/// </summary>
internal sealed class AfmWorkspace
{
    public AfmWorkspace(AfmParameters m)
    {
        ArgumentNullException.ThrowIfNull(m);
        FieldCount = m.FieldCount;
        EmbeddingSize = m.EmbeddingSize;
        AttentionSize = m.AttentionSize;
        PairCount = m.PairCount;
        int f = FieldCount, k = EmbeddingSize, t = AttentionSize, p = PairCount;
        Embedded = new float[f * k];
        PairFirst = new int[p];
        PairSecond = new int[p];
        PairIndex = new int[p];
        Products = new float[p * k];
        Hidden = new float[p * t];
        Scores = new float[p];
        Attention = new float[p];
        Pooled = new float[k];
        PooledDropped = new float[k];
        PooledGrad = new float[k];
        AttentionGrad = new float[p];
        ProductGrad = new float[k];
        HiddenGrad = new float[t];
        EmbeddedGrad = new float[f * k];
    }

    public int FieldCount { get; }

    public int EmbeddingSize { get; }

    public int AttentionSize { get; }

    public int PairCount { get; }

    /// <summary>e_i = v_i·x_i, [F, k] (zero for a masked field).</summary>
    public float[] Embedded { get; }

    /// <summary>Number of present pairs in the current row.</summary>
    public int PresentPairs { get; set; }

    /// <summary>i of the q-th present pair.</summary>
    public int[] PairFirst { get; }

    /// <summary>j of the q-th present pair.</summary>
    public int[] PairSecond { get; }

    /// <summary>Position of the q-th present pair in the full (0,1),(0,2)… order.</summary>
    public int[] PairIndex { get; }

    /// <summary>p_q = e_i ⊙ e_j for present pairs, [present, k].</summary>
    public float[] Products { get; }

    /// <summary>ReLU(W p_q + b) for present pairs, [present, t].</summary>
    public float[] Hidden { get; }

    /// <summary>a'_q.</summary>
    public float[] Scores { get; }

    /// <summary>a_q (softmax over present pairs; 1 in FM mode).</summary>
    public float[] Attention { get; }

    /// <summary>Σ a_q p_q before dropout.</summary>
    public float[] Pooled { get; }

    /// <summary>Pooled after the dropout mask (equal to <see cref="Pooled"/> when there is no mask).</summary>
    public float[] PooledDropped { get; }

    public float[] PooledGrad { get; }

    public float[] AttentionGrad { get; }

    public float[] ProductGrad { get; }

    public float[] HiddenGrad { get; }

    public float[] EmbeddedGrad { get; }
}
