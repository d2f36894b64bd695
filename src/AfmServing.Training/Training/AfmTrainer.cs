using System.Diagnostics;
using AfmServing.Training.Data;
using AfmServing.Training.Evaluation;
using AfmServing.Training.Model;
using AfmServing.Training.Optimization;

namespace AfmServing.Training.Training;

/// <summary>
/// Mini-batch training of the AFM (or FM) on log loss with early stopping on a validation set.
/// Reproducible: the same data, options and seed give bit-identical weights for any thread count, because
/// every batch is cut into <see cref="Shards"/> fixed shards, each with its own gradient buffer, summed in
/// shard order; dropout masks and shuffles are keyed by (seed, step, position), never by thread.
/// </summary>
public static class AfmTrainer
{
    /// <summary>Fixed number of gradient shards per batch (and the most threads that help).</summary>
    public const int Shards = 4;

    private const long ShuffleStream = 0x5A1F;
    private const long DropoutStream = 0xD809;

    public static TrainingResult Train(
        EncodedDataset train, EncodedDataset? validation, TrainerOptions options,
        IProgress<EpochProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Rows == 0)
            throw new ArgumentException("training data has no rows", nameof(train));
        if (train.FieldCount < 2)
            throw new ArgumentException("training data needs at least 2 fields to form pairs", nameof(train));

        EnsureLabels(train, nameof(train));
        if (validation is not null)
        {
            EnsureLabels(validation, nameof(validation));
            if (options.EarlyStoppingMetric == EarlyStoppingMetric.Auc && validation.Rows > 0 && PositiveRate(validation) is 0 or 1)
                throw new ArgumentException("validation data holds only one class, so its AUC is undefined; stop on LogLoss instead", nameof(validation));
        }

        int tableSize = options.TableSize > 0 ? options.TableSize : InferTableSize(train, validation);
        var m = new AfmParameters(tableSize, train.FieldCount, options.EmbeddingSize, options.AttentionSize, options.UseAttention);
        AfmModel.EnsureCompatible(m, train, nameof(train));
        if (validation is not null)
        {
            AfmModel.EnsureCompatible(m, validation, nameof(validation));
            if (validation.Rows == 0) validation = null;
        }
        ParameterInitializer.Initialize(m, options.InitStd, PositiveRate(train), options.Seed);

        var optimizer = Optimizers.Create(options.Optimizer, m, options.LearningRate);
        var workers = new ShardWorker[Shards];
        for (int s = 0; s < Shards; s++)
            workers[s] = new ShardWorker(m);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = ct };

        var order = new int[train.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;

        var history = new List<EpochProgress>();
        AfmParameters? best = null;
        int bestEpoch = 0, sinceBest = 0;
        double bestScore = double.NaN;
        bool stoppedEarly = false;
        long step = 0;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            Shuffle(order, options.Seed, epoch);
            double lossSum = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                ct.ThrowIfCancellationRequested();
                int count = Math.Min(options.BatchSize, order.Length - start);
                var batch = new ArraySegment<int>(order, start, count);
                var dropout = new PooledDropout(options.Dropout, options.Seed ^ DropoutStream, step);
                float scale = 1f / count;
                if (options.Threads == 1)
                {
                    for (int s = 0; s < Shards; s++)
                        workers[s].Run(m, train, batch, s, scale, dropout);
                }
                else
                {
                    Parallel.For(0, Shards, parallel, s => workers[s].Run(m, train, batch, s, scale, dropout));
                }

                var g = workers[0].Gradients;
                lossSum += workers[0].Loss;
                for (int s = 1; s < Shards; s++)
                {
                    g.Add(workers[s].Gradients);
                    lossSum += workers[s].Loss;
                }
                g.AddL2(m, options.L2Attention, options.L2Embeddings);
                optimizer.Step(m, g);
                step++;
            }
            double trainSeconds = epochClock.Elapsed.TotalSeconds;
            double trainLoss = lossSum / train.Rows;
            if (!double.IsFinite(trainLoss))
                throw new InvalidOperationException($"training diverged in epoch {epoch} (train loss {trainLoss}); lower {nameof(TrainerOptions.LearningRate)}");

            double auc = double.NaN, logLoss = double.NaN;
            bool isBest;
            if (validation is not null)
            {
                var probabilities = AfmModel.Predict(m, validation, null, options.Threads);
                auc = Metrics.Auc(validation.Labels, probabilities);
                logLoss = Metrics.LogLoss(validation.Labels, probabilities);
                double score = options.EarlyStoppingMetric == EarlyStoppingMetric.Auc ? auc : -logLoss;
                isBest = best is null || score > bestScore;
                if (isBest)
                {
                    bestScore = score;
                    sinceBest = 0;
                }
                else
                {
                    sinceBest++;
                }
            }
            else
            {
                isBest = true;
            }

            if (isBest)
            {
                bestEpoch = epoch;
                if (best is null) best = m.Clone();
                else m.CopyTo(best);
            }

            var report = new EpochProgress(epoch, options.Epochs, trainLoss, auc, logLoss, train.Rows / trainSeconds, epochClock.Elapsed.TotalSeconds, isBest);
            history.Add(report);
            progress?.Report(report);

            if (validation is not null && sinceBest >= options.EarlyStoppingPatience)
            {
                stoppedEarly = epoch < options.Epochs;
                break;
            }
        }

        return new TrainingResult(best!, history, bestEpoch, stoppedEarly);
    }

    private static void Shuffle(int[] order, int seed, int epoch)
    {
        var rng = SplitMix64.For(seed ^ ShuffleStream, epoch);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static int InferTableSize(EncodedDataset train, EncodedDataset? validation)
    {
        long max = 0;
        foreach (long id in train.Ids) max = Math.Max(max, id);
        if (validation is not null)
            foreach (long id in validation.Ids) max = Math.Max(max, id);
        if (max >= int.MaxValue)
            throw new ArgumentException($"id {max} is too large for an embedding table", nameof(train));
        return (int)max + 1;
    }

    private static void EnsureLabels(EncodedDataset data, string paramName)
    {
        var labels = data.Labels;
        for (int r = 0; r < labels.Length; r++)
        {
            if (!(labels[r] is >= 0 and <= 1))
                throw new ArgumentException($"row {r}: label {labels[r]} is not in [0, 1]", paramName);
        }
    }

    private static double PositiveRate(EncodedDataset data)
    {
        double positives = 0;
        foreach (float y in data.Labels) positives += y;
        return positives / data.Rows;
    }

    /// <summary>One shard's scratch, gradient buffer and loss; shard s always covers the same slice of a batch.</summary>
    private sealed class ShardWorker(AfmParameters m)
    {
        private readonly AfmWorkspace _workspace = new(m);
        private readonly float[] _mask = new float[m.EmbeddingSize];

        public AfmGradients Gradients { get; } = new(m);

        public double Loss { get; private set; }

        public void Run(AfmParameters m, EncodedDataset data, ArraySegment<int> batch, int shard, float scale, PooledDropout dropout)
        {
            int lo = (int)((long)batch.Count * shard / Shards), hi = (int)((long)batch.Count * (shard + 1) / Shards);
            Gradients.Clear();
            Loss = AfmModel.AccumulateLossGradient(m, data, batch.AsSpan(lo, hi - lo), lo, scale, dropout, _workspace, _mask, Gradients);
        }
    }
}
