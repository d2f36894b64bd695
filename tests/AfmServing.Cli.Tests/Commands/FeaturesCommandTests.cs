using System.CommandLine;
using AfmServing.Cli.Commands;
using AfmServing.TestSupport;
using StackExchange.Redis;

namespace AfmServing.Cli.Tests.Commands;

public sealed class FeaturesCommandTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("afm-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var root = new RootCommand { FeaturesCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Load_MovieLensExport_LoadsEveryUserAndPrintsTheCount()
    {
        var export = await RunAsync("features", "export-movielens", "--data-dir", SharedData.Path("movielens-100k"), "--out-dir", _dir);
        string prefix = $"t{Guid.NewGuid():N}:";

        var load = await RunAsync("features", "load", "--redis", redis.ConnectionString, "--entity", "user",
            "--file", Path.Combine(_dir, "users.csv"), "--prefix", prefix, "--ttl", "2h", "--batch-size", "200");

        Assert.Equal(0, export.Exit);
        Assert.Contains("wrote 943 users", export.Out, StringComparison.Ordinal);
        Assert.Equal(0, load.Exit);
        Assert.StartsWith($"loaded 943 user entities into {prefix}user:*", load.Out, StringComparison.Ordinal);
        Assert.Contains("rows/s", load.Err, StringComparison.Ordinal);
        Assert.Contains("ETA", load.Err, StringComparison.Ordinal);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        Assert.Equal("scientist", (await db.HashGetAsync(prefix + "user:74", "occupation")).ToString());
        Assert.InRange((await db.KeyTimeToLiveAsync(prefix + "user:74"))!.Value, TimeSpan.FromMinutes(119), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task Load_FileWithABadLine_ReportsFileAndLineAndExits2()
    {
        string file = Path.Combine(_dir, "items.csv");
        File.WriteAllText(file, "id,cost\n1,5058\n2,5058,oops\n3,5059\n");

        var (exit, stdout, stderr) = await RunAsync("features", "load", "--redis", redis.ConnectionString, "--entity", "item",
            "--file", file, "--prefix", $"t{Guid.NewGuid():N}:");

        Assert.Equal(FeaturesLoadCommand.ExitBadRows, exit);
        Assert.Contains("loaded 2 item entities", stdout, StringComparison.Ordinal);
        Assert.Contains($"{file}:3: expected 2 cells, found 3", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_RedisUnreachable_SaysSoWithoutStackTraceOrPassword()
    {
        string file = Path.Combine(_dir, "items.csv");
        File.WriteAllText(file, "id,cost\n1,5058\n");
        await using var stopped = await RedisServer.StartAsync();
        stopped.Stop();

        var (exit, _, stderr) = await RunAsync("features", "load", "--redis", $"{stopped.ConnectionString},password=hunter2,connectTimeout=500",
            "--entity", "item", "--file", file);

        Assert.Equal(FeaturesLoadCommand.ExitFailed, exit);
        Assert.Contains($"cannot connect to Redis at {stopped.ConnectionString}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_MissingFile_ExitsWithAnError()
    {
        var (exit, _, stderr) = await RunAsync("features", "load", "--redis", redis.ConnectionString, "--entity", "item",
            "--file", Path.Combine(_dir, "none.csv"));

        Assert.Equal(FeaturesLoadCommand.ExitFailed, exit);
        Assert.Contains("none.csv does not exist", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("2h", 7200)]
    [InlineData("7d", 604800)]
    [InlineData("01:00:00", 3600)]
    public void Ttl_AcceptedForms_ParseToSeconds(string text, int seconds)
    {
        var command = FeaturesLoadCommand.Create();
        var ttl = (Option<TimeSpan?>)command.Options.Single(o => o.Name == "--ttl");

        var parse = command.Parse(["--entity", "user", "--file", "x.csv", "--ttl", text]);

        Assert.Empty(parse.Errors);
        Assert.Equal(TimeSpan.FromSeconds(seconds), parse.GetValue(ttl));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("soon")]
    [InlineData("5x")]
    public async Task Load_BadTtl_IsAParseErrorNamingTheOption(string text)
    {
        var (exit, _, stderr) = await RunAsync("features", "load", "--entity", "user", "--file", "x.csv", "--ttl", text);

        Assert.NotEqual(0, exit);
        Assert.Contains("--ttl", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportFrappeItems_RealData_WritesEveryApp()
    {
        string output = Path.Combine(_dir, "frappe-items.csv");

        var (exit, stdout, _) = await RunAsync("features", "export-frappe-items", "--data", SharedData.FrappeTest, SharedData.FrappeValidation, "--out", output);

        Assert.Equal(0, exit);
        Assert.Contains("wrote 4082 items", stdout, StringComparison.Ordinal);
        Assert.Equal(4083, File.ReadAllLines(output).Length);
    }

    [Fact]
    public async Task ExportMovieLens_MissingFolder_ExitsWithAnError()
    {
        var (exit, _, stderr) = await RunAsync("features", "export-movielens", "--data-dir", Path.Combine(_dir, "nope"), "--out-dir", _dir);

        Assert.Equal(1, exit);
        Assert.StartsWith("error:", stderr, StringComparison.Ordinal);
    }
}
