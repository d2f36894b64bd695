using AfmServing.TestSupport;
using AfmServing.Training.Data;

namespace AfmServing.Training.Tests.Data;

public class DelimitedReaderTests
{
    [Fact]
    public void Read_CriteoSample_KeepsEmptyCellsAsMissingAndNegativeNumbers()
    {
        var data = DelimitedReader.Read(SharedData.Path("criteo", "criteo_sample.txt"), KnownSchemas.Criteo());

        Assert.Equal(200, data.Count);
        Assert.Equal(49, data.Rows.Count(r => r.Label == 1f));
        // Row 1: "0,,3,260.0,,17668.0,..." — I1 empty, I2 = 3.
        Assert.Null(data.Rows[0].Values[0]);
        Assert.Equal("3", data.Rows[0].Values[1]);
        Assert.Equal("05db9164", data.Rows[0].Values[13]);
        Assert.Equal(1_101, data.Rows.Sum(r => r.Values.Count(v => v is null)));
        Assert.Contains(data.Rows, r => r.Values[1]!.StartsWith('-'));
    }

    [Fact]
    public void Read_AvazuSample_KeepsTwentyDigitIdsExact()
    {
        var data = DelimitedReader.Read(SharedData.Path("avazu", "avazu_sample.txt"), KnownSchemas.Avazu());

        Assert.Equal(100, data.Count);
        Assert.Equal(20, data.Rows.Count(r => r.Label == 1f));
        Assert.Contains(data.Rows, r => r.Values[0]!.Length == 20 && ulong.TryParse(r.Values[0], out _) && !long.TryParse(r.Values[0], out _));
        Assert.Equal("1000009418151094273", data.Rows[0].Values[0]);
    }

    [Fact]
    public void Read_TaobaoSample_CanonicalisesClickSequencesAndMissingLevels()
    {
        var schema = KnownSchemas.Taobao();
        var data = DelimitedReader.Read(SharedData.Path("taobao-ad-tiny", "train_sample.csv"), schema);
        int seq = schema.Fields.FindIndex(f => f.Name == "click_sequence");
        int pvalue = schema.Fields.FindIndex(f => f.Name == "pvalue_level");

        Assert.Equal(100, data.Count);
        Assert.Equal(4, data.Rows.Count(r => r.Label == 1f));
        // Line 2 of the file: click_sequence "170301^573514" becomes the sorted '|'-joined form.
        Assert.Equal("170301|573514", data.Rows[0].Values[seq]);
        Assert.Null(data.Rows[0].Values[pvalue]);
    }

    [Fact]
    public void Read_QuotedCells_KeepSeparatorsInsideQuotes()
    {
        using var file = new TempFile("label,a,b\n1,\"x,y\",\"say \"\"hi\"\"\"\n0,,z\n");
        var schema = new DatasetSchema { Fields = [new() { Name = "a" }, new() { Name = "b" }] };

        var data = DelimitedReader.Read(file.Path, schema);

        Assert.Equal(new string?[] { "x,y", "say \"hi\"" }, data.Rows[0].Values.AsEnumerable());
        Assert.Equal(new string?[] { null, "z" }, data.Rows[1].Values.AsEnumerable());
    }

    [Theory]
    [InlineData("label,a,b\n1,x\n", 2, "2 cells, the header has 3")]
    [InlineData("label,a\n1,x\n", 1, "header has no column for field 'b': 'b'")]
    [InlineData("a,b\n1,x\n", 1, "header has no label column 'label'")]
    [InlineData("label,a,b\n1,x,y\nclick,x,y\n", 3, "label 'click' in column 'label' is not a number")]
    [InlineData("label,a,b\n,x,y\n", 2, "label column 'label' is empty")]
    [InlineData("", 1, "file is empty")]
    public void Read_BadFile_ThrowsWithFileLineAndReason(string content, int line, string reason)
    {
        using var file = new TempFile(content);
        var schema = new DatasetSchema { Fields = [new() { Name = "a" }, new() { Name = "b" }] };

        var e = Assert.Throws<DataFormatException>(() => DelimitedReader.Read(file.Path, schema));

        Assert.Equal(line, e.Line);
        Assert.StartsWith($"{file.Path}:{line}: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void ReadJson_SchemaFile_RoundTripsAndRejectsBadKinds()
    {
        using var good = new TempFile("""
            {"labelColumn":"clk","separator":"\\t","fields":[{"name":"a","source":"user"},{"name":"n","kind":"numeric","log1p":true}]}
            """, "schema.json");
        using var bad = new TempFile("""{"fields":[{"name":"a"},{"name":"b","kind":"ordinal"}]}""", "schema.json");

        var schema = DatasetSchema.ReadJson(good.Path);

        Assert.Equal('\t', schema.SeparatorChar);
        Assert.Equal("user", schema.Fields[0].Source);
        Assert.True(schema.Fields[1].Log1p);
        var e = Assert.Throws<InvalidDataException>(() => DatasetSchema.ReadJson(bad.Path));
        Assert.Contains("field 'b': kind 'ordinal' is not categorical or numeric", e.Message);
    }
}
