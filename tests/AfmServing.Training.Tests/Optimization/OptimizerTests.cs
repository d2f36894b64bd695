using AfmServing.Training.Model;
using AfmServing.Training.Optimization;

namespace AfmServing.Training.Tests.Optimization;

public class OptimizerTests
{
    private const int K = 3, T = 2;

    [Fact]
    public void Adam_FirstStep_MovesEveryUpdatedWeightByLearningRateAgainstTheGradientSign()
    {
        var m = RandomModels.Create(fields: 3, perField: 4, K, T, useAttention: true, seed: 1);
        var before = m.Clone();
        var g = RandomGradients(m, touchedRows: [1, 6], seed: 2);

        new AdamOptimizer(m, 0.01f).Step(m, g);

        // m̂ = g and v̂ = g² after one step, so Δθ = −lr·g/(|g| + ε) ≈ −lr·sign(g).
        for (int i = 0; i < m.AttentionW.Length; i++)
            Assert.Equal(before.AttentionW[i] - 0.01f * MathF.Sign(g.AttentionW[i]), m.AttentionW[i], 1e-5f);
        for (int d = 0; d < K; d++)
            Assert.Equal(before.Embeddings[6 * K + d] - 0.01f * MathF.Sign(g.Embeddings[6 * K + d]), m.Embeddings[6 * K + d], 1e-5f);
        Assert.Equal(before.Linear[1] - 0.01f * MathF.Sign(g.Linear[1]), m.Linear[1], 1e-5f);
    }

    [Fact]
    public void Adam_ThreeSteps_MatchTextbookFormulaInDouble()
    {
        var m = RandomModels.Create(fields: 2, perField: 2, K, T, useAttention: true, seed: 3);
        var adam = new AdamOptimizer(m, 0.05f);
        double theta = m.Projection[1], first = 0, second = 0;
        for (int step = 1; step <= 3; step++)
        {
            var g = new AfmGradients(m);
            double grad = 0.3 * step - 0.5;
            g.Projection[1] = (float)grad;

            adam.Step(m, g);

            first = 0.9 * first + 0.1 * grad;
            second = 0.999 * second + 0.001 * grad * grad;
            double mHat = first / (1 - Math.Pow(0.9, step)), vHat = second / (1 - Math.Pow(0.999, step));
            theta -= 0.05 * mHat / (Math.Sqrt(vHat) + 1e-8);
            Assert.Equal(theta, m.Projection[1], 1e-5);
        }
    }

    [Fact]
    public void Adagrad_ThreeSteps_MatchTextbookFormulaInDouble()
    {
        var m = RandomModels.Create(fields: 2, perField: 2, K, T, useAttention: true, seed: 4);
        var adagrad = new AdagradOptimizer(m, 0.1f);
        double theta = m.Embeddings[2 * K + 1], sum = 0;
        for (int step = 1; step <= 3; step++)
        {
            var g = new AfmGradients(m);
            double grad = 0.7 - 0.4 * step;
            g.Touch(2);
            g.Embeddings[2 * K + 1] = (float)grad;

            adagrad.Step(m, g);

            sum += grad * grad;
            theta -= 0.1 * grad / (Math.Sqrt(sum) + 1e-10);
            Assert.Equal(theta, m.Embeddings[2 * K + 1], 1e-5);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Adagrad)]
    public void Step_LeavesUntouchedTableRowsAlone(OptimizerKind kind)
    {
        var m = RandomModels.Create(fields: 3, perField: 4, K, T, useAttention: true, seed: 5);
        var before = m.Clone();
        var g = RandomGradients(m, touchedRows: [2], seed: 6);
        // Gradient values on an untouched row must be ignored: the row list is the contract.
        g.Embeddings[7 * K] = 1f;
        g.Linear[7] = 1f;

        Optimizers.Create(kind, m, 0.1f).Step(m, g);

        for (int row = 0; row < m.TableSize; row++)
        {
            bool changed = m.Linear[row] != before.Linear[row] || !m.Embeddings.AsSpan(row * K, K).SequenceEqual(before.Embeddings.AsSpan(row * K, K));
            Assert.Equal(row == 2, changed);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Adagrad)]
    public void Step_FmModel_DoesNotTouchAttentionWeights(OptimizerKind kind)
    {
        var m = RandomModels.Create(fields: 3, perField: 2, K, T, useAttention: false, seed: 7);
        var before = m.Clone();
        var g = RandomGradients(m, touchedRows: [0], seed: 8);

        Optimizers.Create(kind, m, 0.1f).Step(m, g);

        Assert.Equal(before.AttentionW, m.AttentionW);
        Assert.NotEqual(before.Projection, m.Projection);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.05f)]
    [InlineData(OptimizerKind.Adagrad, 0.5f)]
    public void Step_MinimisesAQuadratic(OptimizerKind kind, float lr)
    {
        // L = ½‖p − target‖²: both optimisers must bring p close to the target.
        var m = new AfmParameters(2, 2, 4, 2, useAttention: true);
        float[] target = [1f, -2f, 0.5f, 3f];
        var optimizer = Optimizers.Create(kind, m, lr);
        for (int step = 0; step < 500; step++)
        {
            var g = new AfmGradients(m);
            for (int d = 0; d < 4; d++)
                g.Projection[d] = m.Projection[d] - target[d];
            optimizer.Step(m, g);
        }

        for (int d = 0; d < 4; d++)
            Assert.Equal(target[d], m.Projection[d], 0.05f);
    }

    [Fact]
    public void AddL2_AddsLambdaTimesWeightsToAttentionAndTouchedEmbeddingsOnly()
    {
        var m = RandomModels.Create(fields: 3, perField: 2, K, T, useAttention: true, seed: 9);
        var g = new AfmGradients(m);
        g.Touch(4);

        g.AddL2(m, lambdaAttention: 0.5f, lambdaEmbeddings: 0.25f);

        for (int i = 0; i < m.AttentionW.Length; i++)
            Assert.Equal(0.5f * m.AttentionW[i], g.AttentionW[i], 1e-7f);
        for (int row = 0; row < m.TableSize; row++)
            for (int d = 0; d < K; d++)
                Assert.Equal(row == 4 ? 0.25f * m.Embeddings[row * K + d] : 0f, g.Embeddings[row * K + d], 1e-7f);
        Assert.All(g.AttentionB, v => Assert.Equal(0f, v));
        Assert.All(g.Linear, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Gradients_AddThenClear_RestoresZeroAndEmptyTouchedList()
    {
        var m = RandomModels.Create(fields: 3, perField: 2, K, T, useAttention: true, seed: 10);
        var a = RandomGradients(m, touchedRows: [1, 3], seed: 11);
        var b = RandomGradients(m, touchedRows: [3, 5], seed: 12);
        float expected = a.Embeddings[3 * K] + b.Embeddings[3 * K];

        a.Add(b);

        Assert.Equal([1, 3, 5], a.TouchedRows.ToArray());
        Assert.Equal(expected, a.Embeddings[3 * K]);
        a.Clear();
        Assert.True(a.TouchedRows.IsEmpty);
        Assert.All(a.Embeddings, v => Assert.Equal(0f, v));
        Assert.All(a.AttentionW, v => Assert.Equal(0f, v));
    }

    private static AfmGradients RandomGradients(AfmParameters m, int[] touchedRows, int seed)
    {
        var rng = new Random(seed);
        var g = new AfmGradients(m);
        RandomModels.Fill(g.AttentionW, rng, 1);
        RandomModels.Fill(g.AttentionB, rng, 1);
        RandomModels.Fill(g.AttentionH, rng, 1);
        RandomModels.Fill(g.Projection, rng, 1);
        g.Bias[0] = 0.3f;
        foreach (int row in touchedRows)
        {
            g.Touch(row);
            for (int d = 0; d < m.EmbeddingSize; d++)
                g.Embeddings[row * m.EmbeddingSize + d] = (float)RandomModels.Gaussian(rng);
            g.Linear[row] = (float)RandomModels.Gaussian(rng);
        }
        return g;
    }
}
