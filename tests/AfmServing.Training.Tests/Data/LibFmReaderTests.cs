using AfmServing.TestSupport;
using AfmServing.Training.Data;

namespace AfmServing.Training.Tests.Data;

public class LibFmReaderTests
{
    [Fact]
    public void Read_FrappeTest_ReadsEveryRowWithLabelsAndFeatureIds()
    {
        var data = LibFmReader.Read(SharedData.FrappeTest);

        Assert.Equal(28_860, data.Count);
        Assert.Equal(9_536, data.Rows.Count(r => r.Label == 1f));
        Assert.Equal(19_324, data.Rows.Count(r => r.Label == 0f));
        Assert.Equal(LibFmReader.FrappeFields, data.FieldNames);
        // First line: "-1 204:1 4798:1 5041:1 5046:1 5053:1 5055:1 5058:1 5060:1 5073:1 5183:1\r\n" — the CR must not leak.
        var first = data.Rows[0];
        Assert.Equal(1, first.Line);
        Assert.Equal(0f, first.Label);
        Assert.Equal(new string?[] { "204", "4798", "5041", "5046", "5053", "5055", "5058", "5060", "5073", "5183" }, first.Values.AsEnumerable());
    }

    [Fact]
    public void Read_FrappeValidation_EveryFieldStaysInItsGlobalIdRange()
    {
        var data = LibFmReader.Read(SharedData.FrappeValidation);
        int[] lo = [0, 957, 5039, 5046, 5053, 5055, 5058, 5060, 5069, 5149];
        int[] hi = [956, 5038, 5045, 5052, 5054, 5057, 5059, 5068, 5148, 5381];

        Assert.Equal(57_722, data.Count);
        foreach (var row in data.Rows)
            for (int f = 0; f < 10; f++)
                Assert.InRange(int.Parse(row.Values[f]!), lo[f], hi[f]);
    }

    [Theory]
    [InlineData("1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1\n", "9 features, expected 10")]
    [InlineData("1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1 11:1\n", "more than 10 features")]
    [InlineData("2 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\n", "label '2' is not -1, 0 or 1")]
    [InlineData("yes 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\n", "label 'yes' is not a number")]
    [InlineData("1 1:1 2:1 x:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\n", "field 'daytime': feature id 'x'")]
    [InlineData("1 1:1 2:1 3:1 4:0.5 5:1 6:1 7:1 8:1 9:1 10:1\n", "field 'weekday': feature value '0.5' is not 1")]
    [InlineData("1 1:1 2 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\n", "field 'item': token '2' is not id:value")]
    public void Read_MalformedLine_ThrowsWithFileLineAndReason(string badLine, string reason)
    {
        using var file = new TempFile("-1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\r\n" + badLine);

        var e = Assert.Throws<DataFormatException>(() => LibFmReader.Read(file.Path));

        Assert.Equal(2, e.Line);
        Assert.StartsWith($"{file.Path}:2: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingTheFile()
    {
        var e = Assert.Throws<DataFormatException>(() => LibFmReader.Read("/nonexistent/frappe.libfm"));
        Assert.Equal("/nonexistent/frappe.libfm:0: file not found", e.Message);
    }

    [Fact]
    public void Read_BlankAndCrlfLines_AreSkippedAndTrimmed()
    {
        using var file = new TempFile("\r\n1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\r\n\r\n");

        var data = LibFmReader.Read(file.Path);

        var row = Assert.Single(data.Rows);
        Assert.Equal(2, row.Line);
        Assert.Equal(1f, row.Label);
        Assert.Equal("10", row.Values[9]);
    }
}
