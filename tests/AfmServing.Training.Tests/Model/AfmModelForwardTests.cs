using AfmServing.Training.Data;
using AfmServing.Training.Model;

namespace AfmServing.Training.Tests.Model;

public class AfmModelForwardTests
{
    [Theory]
    [InlineData(true, 0.0, 1)]
    [InlineData(true, 0.3, 2)]
    [InlineData(false, 0.0, 3)]
    [InlineData(false, 0.3, 4)]
    public void Predict_MatchesReferenceWithin1e5(bool useAttention, double missingRate, int seed)
    {
        const int fields = 10, perField = 20;
        var m = RandomModels.Create(fields, perField, k: 16, t: 16, useAttention, seed, scale: 0.3);
        var data = RandomModels.Data(300, fields, perField, seed + 100, missingRate);
        var attention = new float[data.Rows * m.PairCount];

        var probabilities = AfmModel.Predict(m, data, attention);

        var expectedAttention = new double[m.PairCount];
        for (int r = 0; r < data.Rows; r++)
        {
            double logit = AfmReference.Logit(m, data.Ids.AsSpan(r * fields, fields), data.Values.AsSpan(r * fields, fields), expectedAttention);
            Assert.InRange(probabilities[r], AfmReference.Sigmoid(logit) - 1e-5, AfmReference.Sigmoid(logit) + 1e-5);
            for (int p = 0; p < m.PairCount; p++)
                Assert.InRange(attention[r * m.PairCount + p], expectedAttention[p] - 1e-5, expectedAttention[p] + 1e-5);
        }
    }

    [Fact]
    public void Predict_AttentionSumsToOneOverPresentPairsAndIsZeroOnMaskedPairs()
    {
        const int fields = 6, perField = 5;
        var m = RandomModels.Create(fields, perField, k: 8, t: 4, useAttention: true, seed: 7);
        var data = RandomModels.Data(200, fields, perField, seed: 8, missingRate: 0.3);
        var attention = new float[data.Rows * m.PairCount];

        AfmModel.Predict(m, data, attention);

        int rowsWithPairs = 0;
        for (int r = 0; r < data.Rows; r++)
        {
            double sum = 0;
            int p = 0, present = 0;
            for (int i = 0; i < fields; i++)
            {
                for (int j = i + 1; j < fields; j++, p++)
                {
                    float a = attention[r * m.PairCount + p];
                    bool isPresent = data.Values[r * fields + i] != 0 && data.Values[r * fields + j] != 0;
                    if (isPresent)
                    {
                        Assert.InRange(a, 0f, 1f);
                        present++;
                    }
                    else
                    {
                        Assert.Equal(0f, a);
                    }
                    sum += a;
                }
            }
            if (present == 0)
            {
                Assert.Equal(0.0, sum);
                continue;
            }
            rowsWithPairs++;
            Assert.InRange(sum, 1 - 1e-5, 1 + 1e-5);
        }
        Assert.True(rowsWithPairs > 150);
    }

    [Fact]
    public void Predict_AttentionIsNotUniform()
    {
        // The "softmax over a size-1 axis" bug gives every pair the same weight.
        var m = RandomModels.Create(5, 4, k: 8, t: 8, useAttention: true, seed: 3);
        var data = RandomModels.Data(1, 5, 4, seed: 4);
        var attention = new float[m.PairCount];

        AfmModel.Predict(m, data, attention);

        Assert.True(attention.Max() - attention.Min() > 0.01, string.Join(", ", attention));
    }

    [Fact]
    public void Predict_MaskedFieldEmbeddingAndLinearWeightDoNotMatter()
    {
        const int fields = 4, perField = 3;
        var m = RandomModels.Create(fields, perField, k: 4, t: 4, useAttention: true, seed: 9);
        var data = RandomModels.Data(1, fields, perField, seed: 10);
        RandomModels.Mask(data, 0, perField, 2);
        var before = AfmModel.Predict(m, data)[0];

        int maskedRow = (int)data.Ids[2];
        m.Linear[maskedRow] += 5;
        for (int d = 0; d < m.EmbeddingSize; d++)
            m.Embeddings[maskedRow * m.EmbeddingSize + d] += 3;

        Assert.Equal(before, AfmModel.Predict(m, data)[0]);
    }

    [Fact]
    public void Predict_FirstOrderTermIsIncluded()
    {
        var m = RandomModels.Create(3, 2, k: 4, t: 2, useAttention: true, seed: 12);
        var data = RandomModels.Data(1, 3, 2, seed: 13, numeric: false);
        var before = AfmModel.Predict(m, data)[0];

        m.Linear[(int)data.Ids[1]] += 1f;

        double expected = AfmReference.Sigmoid(Logit(before) + 1);
        Assert.InRange(AfmModel.Predict(m, data)[0], expected - 1e-5, expected + 1e-5);
    }

    [Fact]
    public void Predict_RowWithoutPairs_IsBiasPlusLinear()
    {
        const int fields = 4, perField = 3;
        var m = RandomModels.Create(fields, perField, k: 4, t: 4, useAttention: true, seed: 14);
        var data = RandomModels.Data(1, fields, perField, seed: 15, numeric: false);
        RandomModels.Mask(data, 0, perField, 0, 1, 3);
        var attention = new float[m.PairCount];

        float p = AfmModel.Predict(m, data, attention)[0];

        double expected = AfmReference.Sigmoid(m.Bias[0] + m.Linear[(int)data.Ids[2]]);
        Assert.InRange(p, expected - 1e-6, expected + 1e-6);
        Assert.All(attention, a => Assert.Equal(0f, a));
    }

    [Fact]
    public void Predict_AttentionSizeIndependentOfPairCount()
    {
        // t = 3 with P = 28 pairs: the attention MLP must not be shaped by the number of pairs.
        var m = RandomModels.Create(8, 2, k: 5, t: 3, useAttention: true, seed: 16);
        var data = RandomModels.Data(20, 8, 2, seed: 17);
        var attention = new float[data.Rows * m.PairCount];
        var expected = new double[m.PairCount];

        var probabilities = AfmModel.Predict(m, data, attention);

        for (int r = 0; r < data.Rows; r++)
        {
            double logit = AfmReference.Logit(m, data.Ids.AsSpan(r * 8, 8), data.Values.AsSpan(r * 8, 8), expected);
            Assert.InRange(probabilities[r], AfmReference.Sigmoid(logit) - 1e-5, AfmReference.Sigmoid(logit) + 1e-5);
        }
    }

    [Fact]
    public void Predict_LargeScores_StayFinite()
    {
        var m = RandomModels.Create(5, 3, k: 4, t: 4, useAttention: true, seed: 18, scale: 6);
        var data = RandomModels.Data(50, 5, 3, seed: 19);
        var attention = new float[data.Rows * m.PairCount];

        var probabilities = AfmModel.Predict(m, data, attention);

        Assert.All(probabilities, p => Assert.True(float.IsFinite(p) && p is >= 0 and <= 1));
        Assert.All(attention, a => Assert.True(float.IsFinite(a)));
    }

    [Fact]
    public void Predict_IdOutsideTable_ThrowsNamingRowAndField()
    {
        var m = RandomModels.Create(3, 2, k: 2, t: 2, useAttention: true, seed: 20);
        var data = RandomModels.Data(2, 3, 2, seed: 21);
        data.Ids[1 * 3 + 2] = 99;

        var ex = Assert.Throws<ArgumentException>(() => AfmModel.Predict(m, data));

        Assert.Contains("row 1, field 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongAttentionBufferLength_Throws()
    {
        var m = RandomModels.Create(3, 2, k: 2, t: 2, useAttention: true, seed: 22);
        var data = RandomModels.Data(2, 3, 2, seed: 23);

        Assert.Throws<ArgumentException>(() => AfmModel.Predict(m, data, new float[5]));
    }

    [Fact]
    public void Predict_IsDeterministicAcrossCalls()
    {
        var m = RandomModels.Create(10, 50, k: 16, t: 16, useAttention: true, seed: 24, scale: 0.2);
        var data = RandomModels.Data(5000, 10, 50, seed: 25, missingRate: 0.1);

        Assert.Equal(AfmModel.Predict(m, data), AfmModel.Predict(m, data));
    }

    private static double Logit(float p) => Math.Log(p / (1.0 - p));
}
