using AfmServing.Core.Features;
using AfmServing.Core.Features.Conversion;
using AfmServing.TestSupport;

namespace AfmServing.Core.Tests.Features.Conversion;

public sealed class EntityExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("afm-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MovieLensExport_RealData_WritesEveryUserAndItemWithTheirAttributes()
    {
        var summary = MovieLensEntityExport.Export(SharedData.Path("movielens-100k"), _dir);

        var users = EntityFileReader.Read(summary.UsersFile).ToDictionary(r => r.Id, r => r.Features);
        var items = EntityFileReader.Read(summary.ItemsFile).ToDictionary(r => r.Id, r => r.Features);
        Assert.Equal((943, 1682), (summary.Users, summary.Items));
        Assert.Equal((943, 1682), (users.Count, items.Count));
        // u.user: 1|24|M|technician|85711 and 74|39|M|scientist|T8H1N (a Canadian postcode)
        Assert.Equal(new Dictionary<string, string> { ["user"] = "1", ["age"] = "24", ["gender"] = "M", ["occupation"] = "technician", ["zip_prefix"] = "857" }, users["1"]);
        Assert.Equal("T8H", users["74"]["zip_prefix"]);
        // u.item 1: Toy Story, 01-Jan-1995, Animation Children's Comedy
        Assert.Equal(new Dictionary<string, string> { ["item"] = "1", ["year"] = "1995", ["genres"] = "Animation|Children's|Comedy" }, items["1"]);
        // u.item 267 has no release date: year missing, not "".
        Assert.False(items["267"].ContainsKey("year"));
    }

    [Fact]
    public void FrappeItemExport_RealData_TakesEachAppsCostFromItsPositiveRows()
    {
        string output = Path.Combine(_dir, "items.csv");

        var summary = FrappeItemExport.Export([SharedData.FrappeTest, SharedData.FrappeValidation], output);
        var items = EntityFileReader.Read(output).ToDictionary(r => r.Id, r => r.Features);

        Assert.Equal(28_860 + 57_722, summary.Rows);
        Assert.Equal(4082, summary.Items);
        Assert.Equal(4082, items.Count);
        Assert.Equal(0, summary.CostConflicts); // positives agree: cost is an app attribute
        Assert.Equal(items.Values.Count(i => i.ContainsKey("cost")), summary.ItemsWithCost);
        Assert.InRange(summary.ItemsWithCost, 2000, 4082);
        Assert.All(items, kv => Assert.Equal(kv.Key, kv.Value["item"]));
        Assert.All(items.Values.Where(i => i.ContainsKey("cost")), i => Assert.Contains(i["cost"], new[] { "5058", "5059" }));
        // frappe.test.libfm line 2 is a positive: "1 42:1 1572:1 ... 5058:1 ..."
        Assert.Equal("5058", items["1572"]["cost"]);
    }

    [Fact]
    public void FrappeItemExport_MalformedRow_ReportsFileAndLine()
    {
        string input = Path.Combine(_dir, "bad.libfm");
        File.WriteAllText(input, "1 42:1 1572:1 5042:1 5047:1 5053:1 5055:1 5058:1 5060:1 5070:1 5150:1\r\n1 42:1 oops:1\r\n");

        var e = Assert.Throws<EntityFileException>(() => FrappeItemExport.Export([input], Path.Combine(_dir, "out.csv")));

        Assert.Equal(2, e.Line);
        Assert.StartsWith($"{input}:2:", e.Message, StringComparison.Ordinal);
    }
}
