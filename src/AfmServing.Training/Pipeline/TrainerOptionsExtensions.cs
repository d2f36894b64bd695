using AfmServing.Training.Training;

namespace AfmServing.Training.Pipeline;

/// <summary>Copies of <see cref="TrainerOptions"/> (an init-only class) with the settings the pipeline decides.</summary>
public static class TrainerOptionsExtensions
{
    public static TrainerOptions With(this TrainerOptions o, int tableSize, bool useAttention)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new TrainerOptions
        {
            TableSize = tableSize,
            EmbeddingSize = o.EmbeddingSize,
            AttentionSize = o.AttentionSize,
            UseAttention = useAttention,
            Optimizer = o.Optimizer,
            LearningRate = o.LearningRate,
            BatchSize = o.BatchSize,
            Epochs = o.Epochs,
            Dropout = o.Dropout,
            L2Attention = o.L2Attention,
            L2Embeddings = o.L2Embeddings,
            InitStd = o.InitStd,
            Seed = o.Seed,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            EarlyStoppingMetric = o.EarlyStoppingMetric,
            Threads = o.Threads,
        };
    }

    /// <summary>The options as manifest hyperparameters (invariant culture).</summary>
    public static Dictionary<string, string> ToHyperparameters(this TrainerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["embeddingSize"] = o.EmbeddingSize.ToString(c),
            ["attentionSize"] = o.AttentionSize.ToString(c),
            ["optimizer"] = o.Optimizer.ToString(),
            ["learningRate"] = o.LearningRate.ToString(c),
            ["batchSize"] = o.BatchSize.ToString(c),
            ["maxEpochs"] = o.Epochs.ToString(c),
            ["dropout"] = o.Dropout.ToString(c),
            ["l2Attention"] = o.L2Attention.ToString(c),
            ["l2Embeddings"] = o.L2Embeddings.ToString(c),
            ["initStd"] = o.InitStd.ToString(c),
            ["seed"] = o.Seed.ToString(c),
            ["earlyStoppingPatience"] = o.EarlyStoppingPatience.ToString(c),
            ["earlyStoppingMetric"] = o.EarlyStoppingMetric.ToString(),
        };
    }
}
