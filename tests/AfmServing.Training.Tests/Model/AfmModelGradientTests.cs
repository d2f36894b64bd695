using AfmServing.Training.Data;
using AfmServing.Training.Model;

namespace AfmServing.Training.Tests.Model;

public class AfmModelGradientTests
{
    private const int Fields = 5, PerField = 3, K = 4, T = 3;

    public static TheoryData<bool, bool, string> Cases()
    {
        var data = new TheoryData<bool, bool, string>();
        foreach (bool attention in new[] { true, false })
            foreach (bool masked in new[] { false, true })
                foreach (var group in new[] { "embeddings", "linear", "bias", "attention_w", "attention_b", "attention_h", "projection" })
                    data.Add(attention, masked, group);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesFiniteDifferencesOfReference(bool useAttention, bool withMaskedFields, string group)
    {
        var (m, data) = Problem(useAttention, withMaskedFields, seed: 11);

        var analytic = GradientCheck.Group(GradientCheck.Analytic(m, data), group);
        var numeric = GradientCheck.FiniteDifferences(m, data, group);

        int bad = GradientCheck.FirstMismatch(analytic, numeric);
        Assert.True(bad < 0, bad < 0 ? "" : $"{group}[{bad}]: backward {analytic[bad]} vs finite difference {numeric[bad]}");
        bool attentionGroup = group.StartsWith("attention_", StringComparison.Ordinal);
        if (!useAttention && attentionGroup)
        {
            // FM never uses W, b, h: both gradients must be exactly zero.
            Assert.All(analytic, v => Assert.Equal(0f, v));
            Assert.All(numeric, v => Assert.Equal(0.0, v));
        }
        else
        {
            // Guard against a vacuous pass: the group must actually influence the loss.
            Assert.True(numeric.Max(Math.Abs) > 1e-3, $"{group}: gradient too small to test ({numeric.Max(Math.Abs)})");
        }
    }

    [Fact]
    public void Backward_MaskedFieldRows_GetNoEmbeddingOrLinearGradient()
    {
        var (m, data) = Problem(useAttention: true, withMaskedFields: true, seed: 5);
        // Row 2 is fully masked and nothing else uses the rows below; make them unique to that row.
        var g = GradientCheck.Analytic(m, data.Slice(2, 1));

        Assert.Empty(g.TouchedRows.ToArray());
        Assert.All(g.Embeddings, v => Assert.Equal(0f, v));
        Assert.All(g.Linear, v => Assert.Equal(0f, v));
        Assert.NotEqual(0f, g.Bias[0]);
    }

    [Fact]
    public void Backward_RowWithOnePresentField_HasNoPairGradients()
    {
        var (m, data) = Problem(useAttention: true, withMaskedFields: true, seed: 5);
        var g = GradientCheck.Analytic(m, data.Slice(1, 1));

        Assert.All(g.AttentionW, v => Assert.Equal(0f, v));
        Assert.All(g.Projection, v => Assert.Equal(0f, v));
        Assert.All(g.Embeddings, v => Assert.Equal(0f, v));
        Assert.Single(g.TouchedRows.ToArray());
        Assert.NotEqual(0f, g.Linear[g.TouchedRows[0]]);
    }

    [Fact]
    public void GradientCheck_DetectsAOnePercentError()
    {
        var (m, data) = Problem(useAttention: true, withMaskedFields: true, seed: 11);
        var analytic = GradientCheck.Analytic(m, data).AttentionW;
        var numeric = GradientCheck.FiniteDifferences(m, data, "attention_w");
        int largest = Array.IndexOf(numeric, numeric.MaxBy(Math.Abs));

        analytic[largest] *= 1.01f;

        Assert.Equal(largest, GradientCheck.FirstMismatch(analytic, numeric));
    }

    /// <summary>
    /// Eight rows; with masking: row 0 misses fields 1 and 3, row 1 keeps only field 0 (no pair present),
    /// row 2 misses every field, the rest miss fields at random.
    /// </summary>
    internal static (AfmParameters Model, EncodedDataset Data) Problem(bool useAttention, bool withMaskedFields, int seed)
    {
        var m = RandomModels.Create(Fields, PerField, K, T, useAttention, seed);
        var data = RandomModels.Data(8, Fields, PerField, seed + 1, withMaskedFields ? 0.2 : 0);
        if (withMaskedFields)
        {
            RandomModels.Mask(data, 0, PerField, 1, 3);
            RandomModels.Mask(data, 1, PerField, 1, 2, 3, 4);
            RandomModels.Mask(data, 2, PerField, 0, 1, 2, 3, 4);
        }
        return (m, data);
    }
}
