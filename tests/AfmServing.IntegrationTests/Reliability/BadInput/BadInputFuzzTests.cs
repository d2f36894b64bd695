using AfmServing.IntegrationTests.Reliability.Support;
using FsCheck.Xunit;
using Grpc.Core;

namespace AfmServing.IntegrationTests.Reliability.BadInput;

/// <summary>
/// Property-based: whatever a client sends, the answer keeps the invariants (no 5xx, no NaN, a message on every
/// error, nothing internal shown) and the server keeps answering.
/// </summary>
[Collection(BadInputFixture.Collection)]
public sealed class BadInputFuzzTests(BadInputFixture fixture)
{
    [Property(MaxTest = 300, Arbitrary = [typeof(FuzzArbitraries)])]
    public async Task Score_RandomJsonBody_KeepsTheInvariants(FuzzBody body)
    {
        var answer = await ScoreClients.PostScoreAsync(fixture.Rest, body.Bytes, "application/json");

        Invariants.Hold(answer, Invariants.AnyCount, body.ToString());
        Assert.True(answer.HttpStatus is 200 or 400 or 404 or 413, $"HTTP {answer.HttpStatus} — {answer}");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(FuzzArbitraries)])]
    public async Task Score_RandomFeatureMapsOverGrpc_KeepTheInvariants(FuzzRequest request)
    {
        Answer answer;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var response = await fixture.Host.Grpc.ScoreAsync(request.Request, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.All(response.Scores.SelectMany(s => s.TopPairs), p => Assert.True(float.IsFinite(p.Weight) && p.Weight is >= 0 and <= 1, $"pair weight {p.Weight}"));
            answer = new Answer(200, StatusCode.OK, null, "", [.. response.Scores.Select(s => s.Probability)], started.Elapsed);
        }
        catch (RpcException e)
        {
            answer = new Answer(200, e.StatusCode, e.Status.Detail, "", null, started.Elapsed);
        }

        Invariants.Hold(answer, request.Request.Candidates.Count, request.ToString());
        Assert.True(answer.GrpcStatus is StatusCode.OK or StatusCode.InvalidArgument or StatusCode.NotFound, $"{answer.GrpcStatus} — {answer}");
    }
}
