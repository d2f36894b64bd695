using AfmServing.Core.Features;
using AfmServing.Core.Features.Loading;
using AfmServing.TestSupport;
using StackExchange.Redis;

namespace AfmServing.Core.Tests.Features.Loading;

public sealed class FeatureLoaderTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("afm-loader-").FullName;
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private ConnectionMultiplexer? _connection;

    public void Dispose()
    {
        _connection?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(FeatureLoadResult Result, IDatabase Db)> LoadAsync(FeatureLoadRequest request, IProgress<FeatureLoadProgress>? progress = null)
    {
        var connection = _connection ??= await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var result = await new FeatureLoader(connection).LoadAsync(request, progress);
        return (result, connection.GetDatabase());
    }

    private static Dictionary<string, string> Hash(IDatabase db, string key) =>
        db.HashGetAll(key).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());

    [Fact]
    public async Task LoadAsync_MovieLensUsers_WritesOneHashPerUser()
    {
        var (result, db) = await LoadAsync(new() { Path = MovieLensEntityFiles.Users, Entity = "user", KeyPrefix = _prefix, BatchSize = 100 });

        Assert.Equal(MovieLensEntityFiles.UserCount, result.Rows);
        Assert.Equal(0, result.BadRows);
        Assert.Empty(result.Errors);
        // u.user: 943|22|M|student|77841
        Assert.Equal(
            new Dictionary<string, string> { ["user"] = "943", ["age"] = "22", ["gender"] = "M", ["occupation"] = "student", ["zip_prefix"] = "778" },
            Hash(db, _prefix + "user:943"));
        Assert.Null(await db.KeyTimeToLiveAsync(_prefix + "user:1"));
    }

    [Fact]
    public async Task LoadAsync_RunTwiceWithAFeatureDropped_LeavesExactlyTheNewFileContent()
    {
        string v1 = WriteFile("v1.csv", "id,age,zip_prefix\n1,24,857\n2,53,940\n");
        string v2 = WriteFile("v2.csv", "id,age,zip_prefix\n1,25,\n2,53,940\n");
        var request = new FeatureLoadRequest { Path = v1, Entity = "user", KeyPrefix = _prefix };

        var (first, db) = await LoadAsync(request);
        var (again, _) = await LoadAsync(request);
        var afterRerun = Hash(db, _prefix + "user:1");
        var (second, _) = await LoadAsync(request with { Path = v2 });

        Assert.Equal((2L, 2L, 2L), (first.Rows, again.Rows, second.Rows));
        Assert.Equal(new Dictionary<string, string> { ["age"] = "24", ["zip_prefix"] = "857" }, afterRerun);
        Assert.Equal(new Dictionary<string, string> { ["age"] = "25" }, Hash(db, _prefix + "user:1"));
        Assert.Equal(new Dictionary<string, string> { ["age"] = "53", ["zip_prefix"] = "940" }, Hash(db, _prefix + "user:2"));
    }

    [Fact]
    public async Task LoadAsync_WithTtl_SetsTheExpiryOnEveryKey()
    {
        string file = WriteFile("items.csv", "id,cost\n10,5058\n11,5059\n");

        var (result, db) = await LoadAsync(new() { Path = file, Entity = "item", KeyPrefix = _prefix, Ttl = TimeSpan.FromHours(1) });

        Assert.Equal(2, result.Rows);
        foreach (var id in new[] { "10", "11" })
        {
            var ttl = await db.KeyTimeToLiveAsync(_prefix + "item:" + id);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        }
    }

    [Fact]
    public async Task LoadAsync_WithoutTtl_KeysDoNotExpire()
    {
        string file = WriteFile("items.csv", "id,cost\n10,5058\n");

        var (_, db) = await LoadAsync(new() { Path = file, Entity = "item", KeyPrefix = _prefix });

        Assert.True(await db.KeyExistsAsync(_prefix + "item:10"));
        Assert.Null(await db.KeyTimeToLiveAsync(_prefix + "item:10"));
    }

    [Fact]
    public async Task LoadAsync_BadCsvLines_SkipsAndReportsThemWithLineNumbers()
    {
        string file = WriteFile("users.csv", "id,age,gender\n1,24,M\n2,53\n3,23,M\n,40,F\n4,33,F\n");

        var (result, db) = await LoadAsync(new() { Path = file, Entity = "user", KeyPrefix = _prefix });

        Assert.Equal(3, result.Rows);
        Assert.Equal(2, result.BadRows);
        Assert.Equal([3L, 5L], result.Errors.Select(e => e.Line));
        Assert.Equal($"{file}:3: expected 3 cells, found 2", result.Errors[0].Message);
        Assert.Contains("empty id", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.True(await db.KeyExistsAsync(_prefix + "user:4")); // rows after a bad line still load
        Assert.False(await db.KeyExistsAsync(_prefix + "user:2"));
    }

    [Fact]
    public async Task LoadAsync_BadJsonLine_IsReportedWithItsLine()
    {
        string file = WriteFile("items.jsonl", "{\"id\":\"1\",\"genres\":[\"Comedy\",\"Drama\"]}\n{\"id\":\"2\",\n{\"id\":3,\"year\":1995}\n");

        var (result, db) = await LoadAsync(new() { Path = file, Entity = "item", KeyPrefix = _prefix, MaxReportedErrors = 5 });

        Assert.Equal((2L, 1L), (result.Rows, result.BadRows));
        Assert.Equal(2, Assert.Single(result.Errors).Line);
        Assert.Equal("Comedy|Drama", (await db.HashGetAsync(_prefix + "item:1", "genres")).ToString());
        Assert.Equal("1995", (await db.HashGetAsync(_prefix + "item:3", "year")).ToString());
    }

    [Fact]
    public async Task LoadAsync_ManyBadLines_CountsAllButKeepsOnlyTheFirstFew()
    {
        var text = new System.Text.StringBuilder("id,a\n");
        for (int i = 0; i < 50; i++)
            text.Append("x,1,2\n");
        string file = WriteFile("bad.csv", text.ToString());

        var (result, _) = await LoadAsync(new() { Path = file, Entity = "item", KeyPrefix = _prefix, MaxReportedErrors = 20 });

        Assert.Equal((0L, 50L, 20), (result.Rows, result.BadRows, result.Errors.Count));
        Assert.Equal(2, result.Errors[0].Line);
    }

    [Fact]
    public async Task LoadAsync_ReportsProgressPerBatchEndingAtTheTotal()
    {
        var reports = new List<FeatureLoadProgress>();
        var progress = new SyncProgress(reports.Add);

        var (result, _) = await LoadAsync(new() { Path = MovieLensEntityFiles.Items, Entity = "item", KeyPrefix = _prefix, BatchSize = 500 }, progress);

        Assert.Equal(MovieLensEntityFiles.ItemCount, result.Rows);
        Assert.Equal([500L, 1000L, 1500L, MovieLensEntityFiles.ItemCount], reports.Select(r => r.Rows));
        Assert.Equal(MovieLensEntityFiles.ItemCount + 1, reports[^1].TotalLines); // + header
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.True(reports[0].Fraction is > 0.25 and < 0.35);
        Assert.NotNull(reports[0].Eta);
    }

    [Fact]
    public async Task LoadAsync_HeaderWithoutIdColumn_Throws()
    {
        string file = WriteFile("users.csv", "user_id,age\n1,24\n");

        var e = await Assert.ThrowsAsync<EntityFileException>(() => LoadAsync(new() { Path = file, Entity = "user", KeyPrefix = _prefix }));

        Assert.Equal(1, e.Line);
        Assert.Contains("no id column 'id'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "entity")]
    [InlineData("us:er", "entity")]
    public async Task LoadAsync_BadEntityName_Throws(string entity, string expected)
    {
        string file = WriteFile("users.csv", "id,age\n1,24\n");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => LoadAsync(new() { Path = file, Entity = entity }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountLines_LastLineWithoutNewline_IsCounted()
    {
        Assert.Equal(3, FeatureLoader.CountLines(WriteFile("a.csv", "id\n1\n2")));
        Assert.Equal(3, FeatureLoader.CountLines(WriteFile("b.csv", "id\n1\n2\n")));
        Assert.Equal(0, FeatureLoader.CountLines(WriteFile("c.csv", "")));
    }

    private sealed class SyncProgress(Action<FeatureLoadProgress> report) : IProgress<FeatureLoadProgress>
    {
        public void Report(FeatureLoadProgress value) => report(value);
    }
}
