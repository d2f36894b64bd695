using System.Text.Json;
using AfmServing.Api.V1;
using AfmServing.Core.Encoding;
using AfmServing.TestSupport;
using AfmServing.Training.Model;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static AfmServing.Server.Tests.Grpc.JsonBodies;

namespace AfmServing.Server.Tests.Grpc;

public sealed class ScorerServiceTests(ScoringHostFixture fixture) : IClassFixture<ScoringHostFixture>
{
    private static ScoreRequest Request(params (string Item, string? Cost)[] candidates)
    {
        var request = new ScoreRequest { UserId = "u2", RequestId = "r1" };
        request.Context.Add("daytime", Value.ForString("evening"));
        request.Context.Add("price", Value.ForNumber(3.5));
        foreach (var (item, cost) in candidates)
        {
            var c = new Candidate { ItemId = item };
            if (cost is not null)
                c.Features.Add("cost", Value.ForString(cost));
            request.Candidates.Add(c);
        }
        return request;
    }

    [Fact]
    public async Task Score_GrpcAndRest_ReturnIdenticalProbabilities()
    {
        var grpc = await fixture.Host.Grpc.ScoreAsync(Request(("i1", "paid"), ("i4", null), ("unknown", "free")));
        var (status, body) = await PostAsync(fixture.Host.Http,
            """{"userId":"u2","requestId":"r1","context":{"daytime":"evening","price":3.5},"candidates":[{"itemId":"i1","features":{"cost":"paid"}},{"itemId":"i4"},{"itemId":"unknown","features":{"cost":"free"}}]}""");

        Assert.Equal(200, status);
        var rest = body.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("probability").GetSingle()).ToArray();
        Assert.Equal(grpc.Scores.Select(s => s.Probability), rest);
        Assert.Equal(["i1", "i4", "unknown"], grpc.Scores.Select(s => s.ItemId));
        Assert.Equal("test-afm", grpc.Model);
        Assert.Equal("1", grpc.ModelVersion);
    }

    [Fact]
    public async Task Score_ReturnsTheModelsOfflineOutputForTheSameRows()
    {
        var response = await fixture.Host.Grpc.ScoreAsync(Request(("i1", "paid"), ("i3", null)));

        var encoder = new RowEncoder(TestModels.Manifest("test-afm", "1"));
        // i3's cost comes from the model's items.csv (free); user and item from the request ids.
        var rows = new[]
        {
            new[] { "u2", "i1", "paid", "evening", "3.5", null },
            new[] { "u2", "i3", "free", "evening", "3.5", null },
        };
        for (int r = 0; r < rows.Length; r++)
        {
            var ids = new long[encoder.FieldCount];
            var values = new float[encoder.FieldCount];
            for (int j = 0; j < encoder.FieldCount; j++)
                Assert.True(encoder.Fields[j].TryEncodeText(rows[r][j], out ids[j], out values[j], out _));
            double expected = AfmReference.Sigmoid(AfmReference.Logit(fixture.Parameters, ids, values, new double[encoder.PairCount]));
            Assert.Equal(expected, response.Scores[r].Probability, 5);
        }
    }

    [Fact]
    public async Task Score_StoredItemFeature_UsedWhenTheRequestOmitsIt()
    {
        var response = await fixture.Host.Grpc.ScoreAsync(Request(("i2", null), ("i2", "paid"), ("i2", "free")));

        Assert.Equal(response.Scores[1].Probability, response.Scores[0].Probability);
        Assert.NotEqual(response.Scores[2].Probability, response.Scores[0].Probability);
        Assert.False(response.FeaturesDegraded);
    }

    [Fact]
    public async Task Score_Explain_ReturnsTopPairsHighestFirst()
    {
        var request = Request(("i1", "paid"));
        request.Explain = true;

        var response = await fixture.Host.Grpc.ScoreAsync(request);

        var pairs = response.Scores[0].TopPairs;
        Assert.Equal(5, pairs.Count);
        Assert.True(pairs.Zip(pairs.Skip(1)).All(p => p.First.Weight >= p.Second.Weight));
        Assert.All(pairs, p => Assert.NotEqual(p.FirstField, p.SecondField));
        Assert.True(pairs.Sum(p => p.Weight) <= 1.0001f);
        // tags is missing in this request, so no pair with it may be reported.
        Assert.DoesNotContain(pairs, p => p.FirstField == "tags" || p.SecondField == "tags");
    }

    [Fact]
    public async Task Score_WithoutExplain_ReturnsNoPairs()
    {
        var response = await fixture.Host.Grpc.ScoreAsync(Request(("i1", "paid")));
        Assert.Empty(response.Scores[0].TopPairs);
    }

    [Fact]
    public async Task Score_ManyParallelCallers_EachGetsItsOwnRowsInOrder()
    {
        var items = TestModels.Items;
        var single = new Dictionary<string, float>();
        foreach (var item in items)
            single[item] = (await fixture.Host.Grpc.ScoreAsync(Request((item, "paid")))).Scores[0].Probability;

        var calls = Enumerable.Range(0, 48).Select(async c =>
        {
            var order = Enumerable.Range(0, 1 + c % 4).Select(i => items[(c + i) % items.Length]).ToArray();
            var response = await fixture.Host.Grpc.ScoreAsync(Request(order.Select(i => (i, (string?)"paid")).ToArray()));
            return (order, response);
        }).ToArray();

        foreach (var (order, response) in await Task.WhenAll(calls))
        {
            Assert.Equal(order, response.Scores.Select(s => s.ItemId));
            // Batch composition may change the last float bits (different GEMM blocking), never more.
            for (int i = 0; i < order.Length; i++)
                Assert.Equal(single[order[i]], response.Scores[i].Probability, 5);
        }
    }

    [Theory]
    [InlineData("""{"candidates":[{"itemId":"i1","features":{"colour":"red"}}]}""", "candidates[0].features.colour", "unknown field")]
    [InlineData("""{"candidates":[{"itemId":"i1","features":{"Cost":"paid"}}]}""", "candidates[0].features.Cost", "did you mean 'cost'")]
    [InlineData("""{"context":{"price":"cheap"},"candidates":[{"itemId":"i1"}]}""", "context.price", "expected a number")]
    [InlineData("""{"context":{"daytime":true},"candidates":[{"itemId":"i1"}]}""", "context.daytime", "booleans")]
    [InlineData("""{"context":{"daytime":{"a":1}},"candidates":[{"itemId":"i1"}]}""", "context.daytime", "objects")]
    [InlineData("""{"context":{"daytime":["a","b"]},"candidates":[{"itemId":"i1"}]}""", "context.daytime", "not multi-valued")]
    [InlineData("""{"context":{"tags":["a",1]},"candidates":[{"itemId":"i1"}]}""", "context.tags[1]", "strings only")]
    [InlineData("""{"context":{"daytime":1.5},"candidates":[{"itemId":"i1"}]}""", "context.daytime", "non-integral")]
    [InlineData("""{"candidates":[]}""", "candidates", "at least 1")]
    [InlineData("""{"userId":"u1"}""", "candidates", "at least 1")]
    public async Task Score_InvalidRequest_Returns400NamingTheField(string body, string field, string reason)
    {
        var (status, json) = await PostAsync(fixture.Host.Http, body);

        Assert.Equal(400, status);
        string message = json.GetProperty("message").GetString()!;
        Assert.StartsWith(field + ":", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Equal(3, json.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Score_TooManyCandidates_Returns400()
    {
        var body = JsonSerializer.Serialize(new { candidates = Enumerable.Range(0, 51).Select(i => new { itemId = "i1" }) });

        var (status, json) = await PostAsync(fixture.Host.Http, body);

        Assert.Equal(400, status);
        Assert.Equal("candidates: 51 candidates exceed the limit of 50", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Score_NaNOverGrpc_ReturnsInvalidArgumentNamingTheField()
    {
        var request = Request(("i1", "paid"));
        request.Context["price"] = Value.ForNumber(double.NaN);

        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Host.Grpc.ScoreAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("context.price: number must be finite", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_UnknownModel_Returns404AndNotFound()
    {
        var (status, json) = await PostAsync(fixture.Host.Http, """{"model":"nope","candidates":[{"itemId":"i1"}]}""");
        Assert.Equal(404, status);
        Assert.Contains("'nope' is not served", json.GetProperty("message").GetString(), StringComparison.Ordinal);

        var request = Request(("i1", null));
        request.Model = "nope";
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Host.Grpc.ScoreAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Score_MissingEverything_StillScoresWithFieldsMasked()
    {
        var (status, json) = await PostAsync(fixture.Host.Http, """{"candidates":[{}]}""");

        Assert.Equal(200, status);
        float p = json.GetProperty("scores")[0].GetProperty("probability").GetSingle();
        Assert.InRange(p, 0f, 1f);
    }
}
