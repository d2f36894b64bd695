using AfmServing.Core.Features;
using AfmServing.Core.Manifest;
using AfmServing.Training.Data;

namespace AfmServing.Training.Tests.Data;

public class EntityTableWriterTests
{
    private static FieldSpec Field(string name, string source) => new() { Name = name, Source = source };

    [Fact]
    public void Write_ItemAttributes_TakesTheMostFrequentValueAndQuotesCommas()
    {
        using var dir = new TempFile("", "unused");
        var fields = new List<FieldSpec> { Field("user", "user"), Field("item", "item"), Field("cost", "item"), Field("daytime", "context") };
        var rows = new List<RawRow>
        {
            new(1, 1, ["u1", "10", "paid", "morning"]),
            new(2, 0, ["u2", "10", "free", "evening"]),
            new(3, 0, ["u3", "10", "paid", "noon"]),
            new(4, 1, ["u1", "9", "a,b", "noon"]),
            new(5, 1, ["u1", "x", null, "noon"]),
        };

        var files = EntityTableWriter.Write(fields, [new RawDataset("mem", fields.ConvertAll(f => f.Name), rows)], dir.Dir);

        // No user attributes besides the key: no users.csv.
        Assert.Equal(new Dictionary<string, string> { ["item"] = "items.csv" }, files);
        string path = Path.Combine(dir.Dir, "items.csv");
        Assert.Equal("id,item,cost\n9,9,\"a,b\"\n10,10,paid\nx,x,\n", File.ReadAllText(path));
        var records = EntityFileReader.Read(path).ToList();
        Assert.Equal("a,b", records[0].Features["cost"]);
        Assert.False(records[2].Features.ContainsKey("cost"));
    }
}
