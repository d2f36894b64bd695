using AfmServing.Core.Manifest;
using AfmServing.Training.Export;
using AfmServing.Training.Tests.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AfmServing.Training.Tests.Export;

public class OnnxExporterTests
{
    private static ModelManifest Manifest(int fields, int rowsPerField)
    {
        var specs = new List<FieldSpec>();
        for (int f = 0; f < fields; f++)
        {
            specs.Add(new FieldSpec
            {
                Name = $"f{f}",
                Offset = f * rowsPerField,
                Size = rowsPerField,
                Categorical = new CategoricalEncoding { Vocabulary = Enumerable.Range(0, rowsPerField - 1).Select(i => $"v{i}").ToList() },
            });
        }
        return new ModelManifest { Name = "unit", Version = "3", Fields = specs, TableSize = fields * rowsPerField };
    }

    [Fact]
    public void Export_WritesModelAndManifestThatOrtLoadsWithTheContractSignature()
    {
        using var dir = new TempFile("", "unused");
        var m = RandomAfm.Parameters(5 * 7, 5, 8, 6, attention: true, seed: 9);

        string modelDir = OnnxExporter.Export(m, Manifest(5, 7), dir.Dir);

        Assert.Equal(Path.Combine(dir.Dir, "unit", "3"), modelDir);
        var manifest = ManifestJson.Read(Path.Combine(modelDir, "manifest.json"));
        Assert.Equal("afm", manifest.ModelType);
        Assert.Equal(8, manifest.EmbeddingSize);
        Assert.Equal(6, manifest.AttentionSize);
        using var session = new InferenceSession(Path.Combine(modelDir, "model.onnx"));
        AssertTensor(session.InputMetadata, "feature_ids", TensorElementType.Int64, [-1, 5]);
        AssertTensor(session.InputMetadata, "feature_values", TensorElementType.Float, [-1, 5]);
        AssertTensor(session.OutputMetadata, "probability", TensorElementType.Float, [-1]);
        AssertTensor(session.OutputMetadata, "logit", TensorElementType.Float, [-1]);
        AssertTensor(session.OutputMetadata, "attention", TensorElementType.Float, [-1, 10]);
        Assert.Equal(2, session.InputMetadata.Count);
        Assert.Equal(3, session.OutputMetadata.Count);
        Assert.Equal("N", session.InputMetadata["feature_ids"].SymbolicDimensions[0]);
    }

    [Fact]
    public void Export_FmParameters_RecordFmModelType()
    {
        using var dir = new TempFile("", "unused");

        string modelDir = OnnxExporter.Export(RandomAfm.Parameters(14, 2, 4, 1, attention: false, seed: 2), Manifest(2, 7), dir.Dir);

        Assert.Equal("fm", ManifestJson.Read(Path.Combine(modelDir, "manifest.json")).ModelType);
    }

    [Fact]
    public void Export_ExistingModel_IsNotOverwrittenUnlessAsked()
    {
        using var dir = new TempFile("", "unused");
        var m = RandomAfm.Parameters(14, 2, 4, 3, attention: true, seed: 2);
        OnnxExporter.Export(m, Manifest(2, 7), dir.Dir);

        Assert.Throws<IOException>(() => OnnxExporter.Export(m, Manifest(2, 7), dir.Dir));
        OnnxExporter.Export(m, Manifest(2, 7), dir.Dir, overwrite: true);
    }

    [Theory]
    [InlineData("../up", "name")]
    [InlineData("", "name")]
    public void Export_BadName_IsRejected(string name, string what)
    {
        using var dir = new TempFile("", "unused");
        var manifest = Manifest(2, 7);
        manifest.Name = name;

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(RandomAfm.Parameters(14, 2, 4, 3, true, 2), manifest, dir.Dir));

        Assert.Contains($"model {what}", e.Message);
    }

    [Fact]
    public void Export_ManifestOfAnotherTableSize_IsRejected()
    {
        using var dir = new TempFile("", "unused");

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(RandomAfm.Parameters(15, 2, 4, 3, true, 2), Manifest(2, 7), dir.Dir));

        Assert.Contains("table size 14", e.Message);
    }

    private static void AssertTensor(IReadOnlyDictionary<string, NodeMetadata> metadata, string name, TensorElementType type, int[] dims)
    {
        Assert.True(metadata.ContainsKey(name), $"missing {name}");
        var node = metadata[name];
        Assert.True(node.IsTensor);
        Assert.Equal(type, node.ElementDataType);
        Assert.Equal(dims, node.Dimensions);
    }
}
