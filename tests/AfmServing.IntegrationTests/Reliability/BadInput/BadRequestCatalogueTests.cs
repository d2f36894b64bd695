using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.TestSupport;
using Grpc.Core;
using Xunit.Abstractions;

namespace AfmServing.IntegrationTests.Reliability.BadInput;

[Collection(BadInputFixture.Collection)]
public sealed class BadRequestCatalogueTests(BadInputFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Cases => [.. BadRequestCatalogue.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Score_CatalogueCase_GetsItsDocumentedAnswer(string name)
    {
        var c = BadRequestCatalogue.Get(name);

        var answer = await SendAsync(c);
        output.WriteLine($"{c.Name}: {answer} in {answer.Elapsed.TotalMilliseconds:F0} ms");

        Invariants.Hold(answer, c.Candidates, c.Name);
        if (c.Via == Via.Rest || c.Expect.HttpStatus != 200)
            Assert.True(c.Expect.HttpStatus == answer.HttpStatus, $"{c.Name}: expected HTTP {c.Expect.HttpStatus} — {answer}");
        if (c.Via != Via.Rest && c.Expect.HttpStatus == 200)
            Assert.True(c.Expect.GrpcStatus == answer.GrpcStatus, $"{c.Name}: expected {c.Expect.GrpcStatus} — {answer}");
        if (!c.Expect.Success)
            Assert.True(answer.Message?.Contains(c.Expect.Fragment!, StringComparison.Ordinal) == true, $"{c.Name}: message lacks '{c.Expect.Fragment}' — {answer}");
        Assert.True(answer.Elapsed < TimeSpan.FromSeconds(10), $"{c.Name}: took {answer.Elapsed}");
        // The server is still there for the next client.
        using var live = await fixture.Rest.GetAsync("/healthz/live");
        Assert.Equal(200, (int)live.StatusCode);
    }

    [Fact]
    public void Catalogue_HasAtLeast40DistinctCasesOverEveryTransport()
    {
        var cases = BadRequestCatalogue.All;

        Assert.True(cases.Count >= 40, $"{cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        Assert.All(Enum.GetValues<Via>(), via => Assert.Contains(cases, c => c.Via == via));
    }

    [Fact]
    public void Catalogue_EveryCaseIsDocumentedWithItsAnswer()
    {
        string doc = File.ReadAllText(RepoPaths.Path("docs", "RELIABILITY.md")).ReplaceLineEndings("\n");

        var missing = BadRequestCatalogue.All.Select(Row).Where(row => !doc.Contains(row, StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, "docs/RELIABILITY.md lacks (or has other answers for) these rows:\n" + string.Join('\n', missing));
    }

    /// <summary>The case's row in docs/RELIABILITY.md.</summary>
    public static string Row(BadRequestCase c) =>
        $"| `{c.Name}` | {c.Via} | {c.Sent.Replace("|", "\\|", StringComparison.Ordinal)} | {c.Expect.Describe(c.Via).Replace("|", "\\|", StringComparison.Ordinal)} |";

    private async Task<Answer> SendAsync(BadRequestCase c)
    {
        switch (c.Via)
        {
            case Via.Rest:
                return await ScoreClients.PostScoreAsync(fixture.Rest, c.Body!, c.ContentType, c.Chunked);
            case Via.RawGrpc:
                return await ScoreClients.PostGrpcFramesAsync(fixture.H2c, c.Frames!, c.GrpcContentType, c.Headers);
            default:
                var started = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    var response = await fixture.Host.Grpc.ScoreAsync(c.Request!(), deadline: DateTime.UtcNow.AddSeconds(10));
                    return new Answer(200, StatusCode.OK, null, "", [.. response.Scores.Select(s => s.Probability)], started.Elapsed);
                }
                catch (RpcException e)
                {
                    return new Answer(200, e.StatusCode, e.Status.Detail, "", null, started.Elapsed);
                }
        }
    }
}
