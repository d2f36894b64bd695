using AfmServing.Core.Features;
using AfmServing.Core.Manifest;

namespace AfmServing.Core.Tests.Features;

public sealed class InMemoryFeatureStoreTests : IDisposable
{
    private static readonly string[] UserFields = ["age", "gender", "occupation", "zip_prefix"];
    private static readonly string[] ItemFields = ["year", "genres"];
    private readonly string _dir = Directory.CreateTempSubdirectory("afm-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static InMemoryFeatureStore MovieLens() => InMemoryFeatureStoreFactory.LoadFiles(new Dictionary<string, string>
    {
        ["user"] = MovieLensEntityFiles.Users,
        ["item"] = MovieLensEntityFiles.Items,
    });

    [Fact]
    public async Task GetAsync_MovieLens_ReturnsTheUserAndItemsInRequestOrder()
    {
        var store = MovieLens();

        // u.user 2: 2|53|F|other|94043; u.item 2: GoldenEye (1995) Action|Adventure|Thriller; 267: no date, genre unknown.
        var result = await store.GetAsync(new FeatureLookup("2", ["267", "2", "99999", null], UserFields, ItemFields), CancellationToken.None);

        Assert.Equal((MovieLensEntityFiles.UserCount, MovieLensEntityFiles.ItemCount), (store.UserCount, store.ItemCount));
        Assert.False(result.Degraded);
        Assert.Equal(new string?[] { "53", "F", "other", "940" }, result.User);
        Assert.Equal(new string?[] { null, "unknown" }, result.Items[0]);
        Assert.Equal(new string?[] { "1995", "Action|Adventure|Thriller" }, result.Items[1]);
        Assert.Null(result.Items[2]);
        Assert.Null(result.Items[3]);
    }

    [Fact]
    public async Task GetAsync_EntityWithNoneOfTheFields_IsUnknown()
    {
        var store = MovieLens();

        var result = await store.GetAsync(new FeatureLookup("1", ["1"], ["nope"], ["nope"]), CancellationToken.None);

        Assert.Null(result.User);
        Assert.Null(result.Items[0]);
    }

    [Fact]
    public void GetHealth_ReportsCounts()
    {
        var health = MovieLens().GetHealth();

        Assert.Equal(("memory", true), (health.Store, health.Healthy));
        Assert.Equal("in-memory: 943 users, 1682 items", health.Detail);
    }

    [Fact]
    public async Task LoadForModel_EntityFilesRelativeToTheModelDirectory_AreLoaded()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "entities"));
        File.WriteAllText(Path.Combine(_dir, "entities", "items.csv"), "id,item,cost\n1572,1572,5058\n");
        var manifest = new ModelManifest { EntityFiles = { ["item"] = "entities/items.csv" } };

        var store = InMemoryFeatureStoreFactory.LoadForModel(_dir, manifest);
        var result = await store.GetAsync(new FeatureLookup("u", ["1572"], ["user"], ["item", "cost"]), CancellationToken.None);

        Assert.Equal((0, 1), (store.UserCount, store.ItemCount));
        Assert.Equal(new string?[] { "1572", "5058" }, result.Items[0]);
    }

    [Fact]
    public async Task LoadForModel_NoEntityFiles_GivesAnEmptyStore()
    {
        var store = InMemoryFeatureStoreFactory.LoadForModel(_dir, new ModelManifest());

        var result = await store.GetAsync(new FeatureLookup("1", ["1"], ["age"], ["year"]), CancellationToken.None);

        Assert.Null(result.User);
        Assert.Null(result.Items[0]);
    }

    [Theory]
    [InlineData("../outside.csv", "outside the model directory")]
    [InlineData("/etc/passwd", "relative")]
    public void LoadForModel_PathOutsideTheModel_Throws(string path, string expected)
    {
        var manifest = new ModelManifest { EntityFiles = { ["item"] = path } };

        var e = Assert.Throws<ArgumentException>(() => InMemoryFeatureStoreFactory.LoadForModel(_dir, manifest));

        Assert.Contains("entityFiles.item", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadForModel_UnknownEntity_Throws()
    {
        File.WriteAllText(Path.Combine(_dir, "ads.csv"), "id,x\n1,2\n");
        var manifest = new ModelManifest { EntityFiles = { ["advertiser"] = "ads.csv" } };

        var e = Assert.Throws<ArgumentException>(() => InMemoryFeatureStoreFactory.LoadForModel(_dir, manifest));

        Assert.Contains("'advertiser'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadForModel_BadLine_ThrowsWithFileAndLine()
    {
        string file = Path.Combine(_dir, "items.csv");
        File.WriteAllText(file, "id,cost\n1,5058\n2,5058,extra\n");
        var manifest = new ModelManifest { EntityFiles = { ["item"] = "items.csv" } };

        var e = Assert.Throws<EntityFileException>(() => InMemoryFeatureStoreFactory.LoadForModel(_dir, manifest));

        Assert.Equal($"{file}:3: expected 2 cells, found 3", e.Message);
    }

    [Fact]
    public void LoadForModel_MissingFile_Throws()
    {
        var manifest = new ModelManifest { EntityFiles = { ["user"] = "users.csv" } };

        var e = Assert.Throws<FileNotFoundException>(() => InMemoryFeatureStoreFactory.LoadForModel(_dir, manifest));

        Assert.Contains("users.csv", e.Message, StringComparison.Ordinal);
    }
}
