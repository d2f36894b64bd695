using AfmServing.Cli.Commands.Bench;
using AfmServing.Cli.Commands.Bench.Load;
using AfmServing.Cli.Commands.Bench.Workload;

namespace AfmServing.Cli.Tests.Commands.Bench;

public sealed class CompareSpecTests
{
    private static LoadSettings A(string? server = "server.dll") => new()
    {
        DataFile = "data.libfm",
        Server = server,
        Plan = new LoadPlan(LoadMode.Closed, 64, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)),
        ServerSettings = new(StringComparer.Ordinal) { ["Batching:MaxBatchRows"] = "128" },
    };

    [Fact]
    public void With_ServerSettingInEitherSeparator_AddsToTheServerSettingsOfA()
    {
        var spec = CompareSpec.Parse(["Batching__Enabled=false", "Inference:IntraOpThreads=2", "env:DOTNET_TieredPGO=0"]);

        var b = A().With(spec);

        Assert.Equal("false", b.ServerSettings["Batching:Enabled"]);
        Assert.Equal("2", b.ServerSettings["Inference:IntraOpThreads"]);
        Assert.Equal("0", b.ServerSettings["env:DOTNET_TieredPGO"]);
        Assert.Equal("128", b.ServerSettings["Batching:MaxBatchRows"]);
        Assert.Equal("Batching__Enabled=false, Inference:IntraOpThreads=2, env:DOTNET_TieredPGO=0", b.Label);
    }

    [Fact]
    public void With_BenchOptions_ReplaceThoseOfA()
    {
        var spec = CompareSpec.Parse(["protocol=rest", "features=ids", "candidates=100", "concurrency=8", "label=REST"]);

        var b = A().With(spec);

        Assert.Equal("rest", b.Protocol);
        Assert.Equal(FeatureSource.Ids, b.Features);
        Assert.Equal(100, b.Candidates);
        Assert.Equal(8, b.Plan.Concurrency);
        Assert.Equal("REST", b.Label);
        Assert.Equal("128", b.ServerSettings["Batching:MaxBatchRows"]);
    }

    [Fact]
    public void Parse_InProcess_ReadsThreadsAndParallel()
    {
        var spec = CompareSpec.Parse(["inprocess", "threads=2", "parallel=1"]);

        Assert.True(spec.InProcess);
        Assert.Equal(2, spec.PositiveInt("threads"));
        Assert.Equal(1, spec.PositiveInt("parallel"));
    }

    [Theory]
    [InlineData("batching=false", "unknown key 'batching'")]
    [InlineData("nonsense", "expected KEY=VALUE or inprocess")]
    public void Parse_BadEntry_NamesIt(string entry, string message)
    {
        var e = Assert.Throws<FormatException>(() => CompareSpec.Parse([entry]));

        Assert.Contains(entry, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_ServerSettingWithoutServer_SaysItNeedsServer()
    {
        var e = Assert.Throws<FormatException>(() => A(server: null).With(CompareSpec.Parse(["Batching:Enabled=false"])));

        Assert.Contains("needs --server", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("candidates=0")]
    [InlineData("concurrency=-3")]
    [InlineData("protocol=http3")]
    public void With_BadBenchValue_Throws(string entry)
    {
        Assert.Throws<FormatException>(() => A().With(CompareSpec.Parse([entry])));
    }

    [Theory]
    [InlineData("10s", 10)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    [InlineData("1.5", 1.5)]
    public void BenchDuration_Parses(string text, double seconds)
    {
        Assert.True(BenchDuration.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("5h")]
    public void BenchDuration_Rejects(string text)
    {
        Assert.False(BenchDuration.TryParse(text, out _));
    }
}
