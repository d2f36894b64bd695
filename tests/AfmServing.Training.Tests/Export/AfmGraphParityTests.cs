using AfmServing.TestSupport;
using AfmServing.Training.Data;
using AfmServing.Training.Evaluation;
using AfmServing.Training.Export;
using AfmServing.Training.Model;
using Google.Protobuf;

namespace AfmServing.Training.Tests.Export;

/// <summary>The exported graph, run by a real ONNX Runtime session, against the plain reference forward pass.</summary>
public class AfmGraphParityTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(true, 6, 8, 5, 11)]
    [InlineData(false, 6, 8, 5, 12)]
    [InlineData(true, 10, 16, 16, 13)]
    [InlineData(true, 2, 4, 3, 14)]
    public void Run_RandomModel_MatchesReferenceProbabilitiesAndAttention(bool attention, int fields, int k, int t, int seed)
    {
        const int rowsPerField = 7;
        var m = RandomAfm.Parameters(fields * rowsPerField, fields, k, t, attention, seed);
        var data = RandomAfm.Rows(300, fields, rowsPerField, seed + 100);

        var outputs = RunOnnx(m, data);

        AssertMatchesReference(m, data, outputs);
    }

    [Fact]
    public void Run_RowWithNoPresentPair_HasZeroAttentionAndFirstOrderLogitOnly()
    {
        var m = RandomAfm.Parameters(42, 6, 8, 5, attention: true, seed: 3);
        var data = RandomAfm.Rows(4, 6, 7, seed: 4);

        var outputs = RunOnnx(m, data);

        int pairs = m.PairCount;
        for (int r = 0; r < 2; r++)
        {
            Assert.All(outputs.Attention.AsSpan(r * pairs, pairs).ToArray(), a => Assert.Equal(0f, a));
            double expected = m.Bias[0];
            for (int f = 0; f < 6; f++)
                expected += m.Linear[data.Ids[r * 6 + f]] * (double)data.Values[r * 6 + f];
            Assert.Equal(expected, outputs.Logits[r], Tolerance);
        }
        // Row 2 has one present pair: it takes all the attention.
        Assert.Equal(1f, outputs.Attention.AsSpan(2 * pairs, pairs).ToArray().Max(), 6);
    }

    [Fact]
    public void Run_ExtremeScores_StayFiniteAndStillSumToOne()
    {
        var m = RandomAfm.Parameters(42, 6, 8, 5, attention: true, seed: 5, scale: 8);
        var data = RandomAfm.Rows(200, 6, 7, seed: 6);

        var outputs = RunOnnx(m, data);

        Assert.All(outputs.Probabilities, p => Assert.True(float.IsFinite(p) && p >= 0 && p <= 1));
        Assert.All(outputs.Attention, a => Assert.True(float.IsFinite(a)));
        AssertAttentionSumsToOneOverPresentPairs(data, outputs.Attention, m.PairCount);
    }

    [Fact]
    public void Run_FrappeRows_MatchReference()
    {
        var (train, _) = LibFmReader.Read(SharedData.FrappeValidation).SplitByFraction(0.9);
        var layout = FieldLayoutBuilder.Fit(KnownSchemas.Frappe(), train);
        var test = DatasetEncoder.Encode(layout.Fields, LibFmReader.Read(SharedData.FrappeTest)).Slice(0, 2_000);
        var m = RandomAfm.Parameters(layout.TableSize, 10, 16, 16, attention: true, seed: 21, scale: 0.3);

        var outputs = RunOnnx(m, test);

        AssertMatchesReference(m, test, outputs);
    }

    [Theory]
    [InlineData(true, 31)]
    [InlineData(false, 32)]
    public void Run_RandomModel_MatchesTrainerPredict(bool attention, int seed)
    {
        var m = RandomAfm.Parameters(6 * 7, 6, 8, 5, attention, seed);
        var data = RandomAfm.Rows(300, 6, 7, seed + 1);
        var attentionOut = new float[data.Rows * m.PairCount];

        var predicted = AfmModel.Predict(m, data, attentionOut);
        var outputs = RunOnnx(m, data);

        for (int r = 0; r < data.Rows; r++)
            Assert.Equal(predicted[r], outputs.Probabilities[r], Tolerance);
        for (int i = 0; i < attentionOut.Length; i++)
            Assert.Equal(attentionOut[i], outputs.Attention[i], Tolerance);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Build_Graph_DeclaresOpset17AndNoUnusedInitializers(bool attention)
    {
        var model = AfmGraph.Build(RandomAfm.Parameters(20, 4, 4, 3, attention, seed: 1));

        Assert.Equal(OnnxContract.Opset, model.OpsetImport.Single(o => o.Domain == "").Version);
        var used = model.Graph.Node.SelectMany(n => n.Input).ToHashSet();
        Assert.All(model.Graph.Initializer, i => Assert.Contains(i.Name, used));
    }

    internal static OnnxOutputs RunOnnx(AfmParameters m, EncodedDataset data)
    {
        using var runner = new OnnxModelRunner(AfmGraph.Build(m).ToByteArray());
        return runner.Run(data, batchSize: 64);
    }

    internal static void AssertMatchesReference(AfmParameters m, EncodedDataset data, OnnxOutputs outputs)
    {
        int f = m.FieldCount, pairs = m.PairCount;
        var reference = new double[pairs];
        for (int r = 0; r < data.Rows; r++)
        {
            double logit = AfmReference.Logit(m, data.Ids.AsSpan(r * f, f), data.Values.AsSpan(r * f, f), reference);
            Assert.Equal(AfmReference.Sigmoid(logit), outputs.Probabilities[r], Tolerance);
            Assert.Equal(logit, outputs.Logits[r], 1e-4 * Math.Max(1, Math.Abs(logit)));
            for (int p = 0; p < pairs; p++)
                Assert.Equal(reference[p], outputs.Attention[r * pairs + p], Tolerance);
        }
        AssertAttentionSumsToOneOverPresentPairs(data, outputs.Attention, pairs, m.UseAttention);
    }

    private static void AssertAttentionSumsToOneOverPresentPairs(EncodedDataset data, float[] attention, int pairs, bool softmax = true)
    {
        int f = data.FieldCount;
        for (int r = 0; r < data.Rows; r++)
        {
            double sum = 0;
            int present = 0, p = 0;
            for (int i = 0; i < f; i++)
                for (int j = i + 1; j < f; j++, p++)
                {
                    bool isPresent = data.Values[r * f + i] * data.Values[r * f + j] != 0;
                    float a = attention[r * pairs + p];
                    if (!isPresent)
                        Assert.Equal(0f, a);
                    else if (!softmax)
                        Assert.Equal(1f, a);
                    sum += a;
                    present += isPresent ? 1 : 0;
                }
            Assert.Equal(present == 0 ? 0 : softmax ? 1 : present, sum, 1e-5);
        }
    }
}
