using AfmServing.Training.Optimization;

namespace AfmServing.Training.Training;

/// <summary>Which validation number picks the best epoch and drives early stopping.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>Lowest validation log loss.</summary>
    LogLoss,

    /// <summary>Highest validation AUC.</summary>
    Auc,
}

/// <summary>Everything <see cref="AfmTrainer"/> needs besides the data. Checked by <see cref="Validate"/> before training starts.</summary>
public sealed class TrainerOptions
{
    /// <summary>Rows of the embedding table (the manifest's total field size); 0 = max id in the data + 1.</summary>
    public int TableSize { get; init; }

    /// <summary>k.</summary>
    public int EmbeddingSize { get; init; } = 16;

    /// <summary>t, the attention MLP's hidden size (independent of the number of pairs).</summary>
    public int AttentionSize { get; init; } = 16;

    /// <summary>AFM when true; FM (every present pair weighted 1) when false.</summary>
    public bool UseAttention { get; init; } = true;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public float LearningRate { get; init; } = 0.001f;

    public int BatchSize { get; init; } = 256;

    /// <summary>Maximum number of epochs (early stopping may end sooner).</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Dropout rate on the pooled pair vector, in [0, 1).</summary>
    public float Dropout { get; init; }

    /// <summary>λ_W: gradient += λ_W·W each step (the penalty (λ_W/2)·‖W‖²).</summary>
    public float L2Attention { get; init; }

    /// <summary>λ_emb: gradient += λ_emb·v for the embedding rows a batch touches.</summary>
    public float L2Embeddings { get; init; }

    /// <summary>Standard deviation of the normal initialisation of the embeddings.</summary>
    public float InitStd { get; init; } = 0.1f;

    public int Seed { get; init; } = 1;

    /// <summary>Epochs without improvement of the validation metric before training stops.</summary>
    public int EarlyStoppingPatience { get; init; } = 3;

    public EarlyStoppingMetric EarlyStoppingMetric { get; init; } = EarlyStoppingMetric.LogLoss;

    /// <summary>
    /// Worker threads for a batch. Results do not depend on it: every batch is cut into
    /// <see cref="AfmTrainer.Shards"/> fixed shards whatever the thread count.
    /// </summary>
    public int Threads { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range and why.</summary>
    public void Validate()
    {
        Require(TableSize >= 0, nameof(TableSize), "must be 0 (infer) or positive");
        Require(EmbeddingSize is >= 1 and <= 1024, nameof(EmbeddingSize), "must lie in [1, 1024]");
        Require(AttentionSize is >= 1 and <= 1024, nameof(AttentionSize), "must lie in [1, 1024]");
        Require(Enum.IsDefined(Optimizer), nameof(Optimizer), "must be Adam or Adagrad");
        Require(float.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "must be a positive number");
        Require(BatchSize >= 1, nameof(BatchSize), "must be at least 1");
        Require(Epochs >= 1, nameof(Epochs), "must be at least 1");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), "must lie in [0, 1)");
        Require(float.IsFinite(L2Attention) && L2Attention >= 0, nameof(L2Attention), "must be a non-negative number");
        Require(float.IsFinite(L2Embeddings) && L2Embeddings >= 0, nameof(L2Embeddings), "must be a non-negative number");
        Require(float.IsFinite(InitStd) && InitStd > 0, nameof(InitStd), "must be a positive number");
        Require(EarlyStoppingPatience >= 1, nameof(EarlyStoppingPatience), "must be at least 1");
        Require(Enum.IsDefined(EarlyStoppingMetric), nameof(EarlyStoppingMetric), "must be LogLoss or Auc");
        Require(Threads is >= 1 and <= AfmTrainer.Shards, nameof(Threads), $"must lie in [1, {AfmTrainer.Shards}]");
    }

    private static void Require(bool condition, string option, string reason)
    {
        if (!condition)
            throw new ArgumentException($"trainer option {option} {reason}", option);
    }
}
