using AfmServing.Training.Data;
using AfmServing.Training.Evaluation;
using AfmServing.Training.Model;
using AfmServing.Training.Optimization;
using AfmServing.Training.Training;

namespace AfmServing.Training.Tests.Training;

public class AfmTrainerTests
{
    private static TrainerOptions Small(int seed = 1, int threads = 2, bool attention = true, float dropout = 0.2f) => new()
    {
        EmbeddingSize = 8,
        AttentionSize = 4,
        UseAttention = attention,
        LearningRate = 0.01f,
        BatchSize = 64,
        Epochs = 4,
        Dropout = dropout,
        L2Attention = 1e-3f,
        L2Embeddings = 1e-4f,
        InitStd = 0.1f,
        Seed = seed,
        Threads = threads,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Train_SameSeedTwiceWithTwoThreads_GivesBitIdenticalParameters(bool attention)
    {
        var (train, validation) = InteractionTask(600, 200, seed: 1);

        var first = AfmTrainer.Train(train, validation, Small(attention: attention));
        var second = AfmTrainer.Train(train, validation, Small(attention: attention));

        AssertBitIdentical(first.Parameters, second.Parameters);
        Assert.Equal(first.History.Select(h => h.TrainLoss), second.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void Train_OneOrFourThreads_GiveTheSameBitsAsTwo()
    {
        var (train, validation) = InteractionTask(600, 200, seed: 2);

        var two = AfmTrainer.Train(train, validation, Small(threads: 2));

        AssertBitIdentical(two.Parameters, AfmTrainer.Train(train, validation, Small(threads: 1)).Parameters);
        AssertBitIdentical(two.Parameters, AfmTrainer.Train(train, validation, Small(threads: 4)).Parameters);
    }

    [Fact]
    public void Train_DifferentSeeds_GiveDifferentParameters()
    {
        var (train, validation) = InteractionTask(600, 200, seed: 3);

        var a = AfmTrainer.Train(train, validation, Small(seed: 1));
        var b = AfmTrainer.Train(train, validation, Small(seed: 2));

        Assert.False(a.Parameters.Embeddings.AsSpan().SequenceEqual(b.Parameters.Embeddings));
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.02f)]
    [InlineData(OptimizerKind.Adagrad, 0.1f)]
    public void Train_LearnsAnInteractionNoFirstOrderModelCanExpress(OptimizerKind optimizer, float learningRate)
    {
        // The label is the parity of two fields (XOR); every field alone is uninformative (AUC 0.5), and
        // 10% label noise caps the attainable AUC at 0.90.
        var (train, validation) = InteractionTask(3000, 1000, seed: 4);
        var options = new TrainerOptions
        {
            EmbeddingSize = 8, AttentionSize = 8, Optimizer = optimizer, LearningRate = learningRate, BatchSize = 64,
            Epochs = 15, InitStd = 0.1f, EarlyStoppingPatience = 15, Seed = 3,
        };

        var result = AfmTrainer.Train(train, validation, options);

        Assert.True(result.Best.ValidationAuc > 0.85, $"validation AUC {result.Best.ValidationAuc}");
        // Without the interaction the best log loss is ln 2 ≈ 0.693 (balanced labels); with it, about 0.33.
        var losses = string.Join(", ", result.History.Select(h => h.TrainLoss));
        Assert.True(result.History[^1].TrainLoss < 0.45, losses);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss, losses);
        // The interaction is carried by the pair term, so the model really attends to the (A, B) pair.
        var attention = new float[validation.Rows * result.Parameters.PairCount];
        AfmModel.Predict(result.Parameters, validation, attention);
        double meanAttentionAB = Enumerable.Range(0, validation.Rows).Average(r => attention[r * result.Parameters.PairCount]);
        Assert.True(meanAttentionAB > 1.0 / result.Parameters.PairCount, $"mean a(A,B) {meanAttentionAB}");
    }

    [Fact]
    public void Train_EarlyStopping_KeepsTheBestEpochsWeights()
    {
        var (train, validation) = InteractionTask(400, 400, seed: 5, noise: 0.3);
        var options = new TrainerOptions
        {
            EmbeddingSize = 16, AttentionSize = 4, LearningRate = 0.05f, BatchSize = 32, Epochs = 40, InitStd = 0.1f,
            EarlyStoppingPatience = 2,
        };

        var result = AfmTrainer.Train(train, validation, options);

        Assert.True(result.StoppedEarly, $"ran {result.History.Count} epochs");
        Assert.Equal(result.BestEpoch + options.EarlyStoppingPatience, result.History.Count);
        double bestLogLoss = result.History.Min(h => h.ValidationLogLoss);
        Assert.Equal(bestLogLoss, result.Best.ValidationLogLoss);
        Assert.True(result.History[^1].ValidationLogLoss > bestLogLoss);
        var probabilities = AfmModel.Predict(result.Parameters, validation);
        Assert.Equal(bestLogLoss, Metrics.LogLoss(validation.Labels, probabilities), 12);
    }

    [Fact]
    public void Train_ReportsProgressOncePerEpochWithMetrics()
    {
        var (train, validation) = InteractionTask(300, 100, seed: 6);
        var reports = new List<EpochProgress>();

        var result = AfmTrainer.Train(train, validation, Small(), new SyncProgress(reports.Add));

        Assert.Equal(result.History, reports);
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Epoch));
        Assert.All(reports, r =>
        {
            Assert.Equal(4, r.MaxEpochs);
            Assert.InRange(r.ValidationAuc, 0, 1);
            Assert.True(r.ValidationLogLoss > 0 && r.TrainLoss > 0 && r.RowsPerSecond > 0 && r.Seconds > 0);
        });
    }

    [Fact]
    public void Train_WithoutValidation_RunsEveryEpochAndKeepsTheLast()
    {
        var (train, _) = InteractionTask(300, 10, seed: 7);

        var result = AfmTrainer.Train(train, null, Small());

        Assert.Equal(4, result.History.Count);
        Assert.Equal(4, result.BestEpoch);
        Assert.False(result.StoppedEarly);
        Assert.All(result.History, h => Assert.True(double.IsNaN(h.ValidationAuc)));
    }

    [Fact]
    public void Train_Cancelled_Throws()
    {
        var (train, validation) = InteractionTask(300, 100, seed: 8);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => AfmTrainer.Train(train, validation, Small(), ct: cts.Token));
    }

    [Fact]
    public void Train_TableSizeSmallerThanAnId_ThrowsNamingTheRow()
    {
        var (train, validation) = InteractionTask(50, 10, seed: 9);
        var options = new TrainerOptions { TableSize = 5 };

        var ex = Assert.Throws<ArgumentException>(() => AfmTrainer.Train(train, validation, options));

        Assert.Contains("outside the embedding table", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_LabelOutsideZeroOne_ThrowsNamingTheRow()
    {
        var (train, validation) = InteractionTask(50, 10, seed: 10);
        train.Labels[7] = float.NaN;

        var ex = Assert.Throws<ArgumentException>(() => AfmTrainer.Train(train, validation, Small()));

        Assert.Contains("row 7", ex.Message, StringComparison.Ordinal);
        Assert.Equal("train", ex.ParamName);
    }

    [Fact]
    public void Train_StoppingOnAucWithOneClassValidation_Throws()
    {
        var (train, validation) = InteractionTask(50, 10, seed: 11);
        Array.Fill(validation.Labels, 1f);
        var options = new TrainerOptions { EarlyStoppingMetric = EarlyStoppingMetric.Auc };

        var ex = Assert.Throws<ArgumentException>(() => AfmTrainer.Train(train, validation, options));

        Assert.Contains("only one class", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, TrainerOptions> BadOptions() => new()
    {
        { "LearningRate", new TrainerOptions { LearningRate = 0 } },
        { "LearningRate", new TrainerOptions { LearningRate = float.NaN } },
        { "BatchSize", new TrainerOptions { BatchSize = 0 } },
        { "Dropout", new TrainerOptions { Dropout = 1 } },
        { "EmbeddingSize", new TrainerOptions { EmbeddingSize = 0 } },
        { "AttentionSize", new TrainerOptions { AttentionSize = 0 } },
        { "Threads", new TrainerOptions { Threads = 0 } },
        { "Threads", new TrainerOptions { Threads = AfmTrainer.Shards + 1 } },
        { "L2Attention", new TrainerOptions { L2Attention = -1 } },
        { "InitStd", new TrainerOptions { InitStd = 0 } },
        { "EarlyStoppingPatience", new TrainerOptions { EarlyStoppingPatience = 0 } },
        { "Epochs", new TrainerOptions { Epochs = 0 } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_OptionOutOfRange_ThrowsNamingIt(string option, TrainerOptions options)
    {
        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(option, ex.ParamName);
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Fields: A (4 values), B (4 values), C and D (noise, 10 values each). Label = parity of A + B,
    /// flipped with probability <paramref name="noise"/>.
    /// </summary>
    internal static (EncodedDataset Train, EncodedDataset Validation) InteractionTask(int trainRows, int validationRows, int seed, double noise = 0.1)
    {
        int[] sizes = [4, 4, 10, 10];
        var rng = new Random(seed);
        EncodedDataset Make(int rows)
        {
            var ids = new long[rows * 4];
            var values = new float[rows * 4];
            var labels = new float[rows];
            for (int r = 0; r < rows; r++)
            {
                int offset = 0;
                var chosen = new int[4];
                for (int i = 0; i < 4; i++)
                {
                    chosen[i] = rng.Next(sizes[i]);
                    ids[r * 4 + i] = offset + chosen[i];
                    values[r * 4 + i] = 1;
                    offset += sizes[i];
                }
                bool positive = (chosen[0] + chosen[1]) % 2 == 0;
                if (rng.NextDouble() < noise) positive = !positive;
                labels[r] = positive ? 1 : 0;
            }
            return new EncodedDataset(4, ids, values, labels);
        }
        return (Make(trainRows), Make(validationRows));
    }

    private static void AssertBitIdentical(AfmParameters a, AfmParameters b)
    {
        for (int i = 0; i < a.Groups.Count; i++)
        {
            var x = a.Groups[i].Values;
            var y = b.Groups[i].Values;
            Assert.True(x.AsSpan().SequenceEqual(y), $"group {a.Groups[i].Name} differs");
        }
    }

    private sealed class SyncProgress(Action<EpochProgress> report) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value) => report(value);
    }
}
