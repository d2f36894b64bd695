using AfmServing.Core.Encoding;
using AfmServing.Core.Manifest;
using AfmServing.TestSupport;
using AfmServing.Training.Data;

namespace AfmServing.Training.Tests.Data;

public class FieldLayoutBuilderTests
{
    private static RawDataset Rows(params (float Label, string?[] Values)[] rows) =>
        new("mem", ["c", "n"], rows.Select((r, i) => new RawRow(i + 1, r.Label, r.Values)).ToList());

    [Fact]
    public void Fit_Vocabulary_OrdersByCountKeepsMinCountAndReservesOov()
    {
        var schema = new DatasetSchema { Fields = [new() { Name = "c", MinCount = 2 }, new() { Name = "n", Kind = FieldKinds.Numeric }] };
        var train = Rows((1, ["b", "1"]), (0, ["a", "2"]), (1, ["b", "3"]), (0, ["a", null]), (0, ["c", "4"]), (0, ["b", null]));

        var layout = FieldLayoutBuilder.Fit(schema, train);

        var c = layout.Fields[0];
        Assert.Equal(["b", "a"], c.Categorical!.Vocabulary);
        Assert.Equal(3, c.Size);
        Assert.Equal(0, c.Offset);
        Assert.Equal(3, layout.Fields[1].Offset);
        Assert.Equal(1, layout.Fields[1].Size);
        Assert.Equal(4, layout.TableSize);
        // Numeric fit uses present values only: 1,2,3,4 -> mean 2.5, population std sqrt(1.25).
        Assert.Equal(2.5, layout.Fields[1].Numeric!.Mean, 12);
        Assert.Equal(Math.Sqrt(1.25), layout.Fields[1].Numeric!.Std, 12);
    }

    [Fact]
    public void Fit_ClipQuantileAndLog1p_AreFittedOnTheTransformTheEncoderApplies()
    {
        var schema = new DatasetSchema { Fields = [new() { Name = "c" }, new() { Name = "n", Kind = FieldKinds.Numeric, Log1p = true, ClipQuantile = 0.75 }] };
        var train = Rows((0, ["x", "-3"]), (0, ["x", "0"]), (0, ["x", "10"]), (0, ["x", "1000"]), (0, ["x", "5"]));

        var n = FieldLayoutBuilder.Fit(schema, train).Fields[1].Numeric!;

        Assert.Equal(0, n.ClipMin);   // sorted -3,0,5,10,1000: index floor(0.25*4)=1
        Assert.Equal(10, n.ClipMax);  // index ceil(0.75*4)=3
        double[] t = [0, 0, Math.Log(11), Math.Log(11), Math.Log(6)];
        double mean = t.Average();
        Assert.Equal(mean, n.Mean, 12);
        Assert.Equal(Math.Sqrt(t.Select(v => (v - mean) * (v - mean)).Average()), n.Std, 12);
    }

    [Fact]
    public void Fit_Hash_UsesFnv1a64AndBucketCount()
    {
        var schema = new DatasetSchema { Fields = [new() { Name = "c", Encoding = CategoricalEncodings.Hash, Buckets = 64 }, new() { Name = "n", Kind = FieldKinds.Numeric }] };

        var c = FieldLayoutBuilder.Fit(schema, Rows((0, ["x", "1"]))).Fields[0];

        Assert.Equal(StableHash.Fnv1a64Name, c.Categorical!.Hash);
        Assert.Equal(64, c.Size);
    }

    [Fact]
    public void Fit_NonNumericTrainValue_ThrowsWithLineAndField()
    {
        var schema = new DatasetSchema { Fields = [new() { Name = "c" }, new() { Name = "n", Kind = FieldKinds.Numeric }] };

        var e = Assert.Throws<DataFormatException>(() => FieldLayoutBuilder.Fit(schema, Rows((0, ["x", "1"]), (0, ["x", "abc"]))));

        Assert.Equal("mem:2: field 'n': 'abc' is not a finite number", e.Message);
    }

    [Fact]
    public void Fit_FrappeTrainSplit_GivesAValidManifestWithSourcesFromTheSchema()
    {
        var (train, _) = LibFmReader.Read(SharedData.FrappeValidation).SplitByFraction(0.9);

        var layout = FieldLayoutBuilder.Fit(KnownSchemas.Frappe(), train);
        var manifest = new ModelManifest { Name = "t", Version = "1", EmbeddingSize = 8, AttentionSize = 8, Fields = layout.Fields, TableSize = layout.TableSize };

        ManifestValidator.Validate(manifest, "fitted");
        Assert.Equal(["user", "item", "context", "context", "context", "context", "item", "context", "context", "context"], layout.Fields.Select(f => f.Source));
        Assert.Equal(7 + 1, layout.Fields[2].Size); // daytime: 7 values + OOV
        Assert.Equal(2 + 1, layout.Fields[6].Size); // cost: 2 values + OOV
    }

    [Fact]
    public void Fit_RowsOfAnotherSchema_AreRejected()
    {
        var schema = new DatasetSchema { Fields = [new() { Name = "a" }, new() { Name = "b" }] };

        var e = Assert.Throws<DataFormatException>(() => FieldLayoutBuilder.Fit(schema, Rows((0, ["x", "1"]))));

        Assert.Contains("rows have fields [c, n] but the schema has [a, b]", e.Message);
    }
}
