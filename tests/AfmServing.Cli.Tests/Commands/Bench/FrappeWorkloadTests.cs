using AfmServing.Cli.Commands.Bench.Load;
using AfmServing.Cli.Commands.Bench.Workload;
using AfmServing.TestSupport;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.Cli.Tests.Commands.Bench;

public sealed class FrappeWorkloadTests
{
    // libFM tokens of the first two rows of frappe.test.libfm, in field order.
    private static readonly string?[][] Rows =
    [
        ["204", "4798", "5041", "5046", "5053", "5055", "5058", "5060", "5073", "5183"],
        ["42", "1572", "5042", "5047", "5053", "5055", "5058", "5060", "5070", "5150"],
        ["282", "2552", "5044", "5052", "5054", "5055", "5059", "5060", "5072", "5244"],
    ];

    [Fact]
    public void Build_FeaturesInRequest_CarriesEveryField()
    {
        var w = FrappeWorkload.Build(Rows, candidates: 2, FeatureSource.Request);
        var r = w.Requests[0];

        Assert.Equal("204", r.UserId);
        Assert.Equal("204", r.Context["user"].StringValue);
        Assert.Equal(["city", "country", "daytime", "homework", "isweekend", "user", "weather", "weekday"], r.Context.Keys.Order().ToArray());
        Assert.Equal(["4798", "1572"], r.Candidates.Select(c => c.ItemId).ToArray());
        Assert.Equal("1572", r.Candidates[1].Features["item"].StringValue);
        Assert.Equal("5058", r.Candidates[1].Features["cost"].StringValue);
    }

    [Fact]
    public void Build_IdsOnly_LeavesUserItemAndCostToTheServer()
    {
        var w = FrappeWorkload.Build(Rows, candidates: 1, FeatureSource.Ids);
        var r = w.Requests[2];

        Assert.Equal(3, w.Requests.Count);
        Assert.Equal("282", r.UserId);
        Assert.Equal(["city", "country", "daytime", "homework", "isweekend", "weather", "weekday"], r.Context.Keys.Order().ToArray());
        Assert.Equal(["2552"], r.Candidates.Select(c => c.ItemId).ToArray());
        Assert.All(r.Candidates, c => Assert.Empty(c.Features));
    }

    [Fact]
    public void Load_RealFrappeFile_BuildsAPoolOfDistinctRequests()
    {
        var w = FrappeWorkload.Load(SharedData.FrappeTest, candidates: 100, FeatureSource.Request);

        Assert.Equal(288, w.Requests.Count); // 28,860 rows / 100 candidates
        Assert.All(w.Requests, r => Assert.Equal(100, r.Candidates.Count));
        Assert.True(w.Requests.Select(r => r.UserId).Distinct().Count() > 50);
    }

    [Fact]
    public void JsonBodies_AreProto3JsonWithOneItemIdPerCandidate()
    {
        var w = FrappeWorkload.Build(Rows, candidates: 3, FeatureSource.Ids);

        Assert.Single(w.Requests);
        string body = System.Text.Encoding.UTF8.GetString(w.JsonBodies()[0]);

        Assert.Contains("\"userId\": \"204\"", body, StringComparison.Ordinal);
        Assert.Contains("\"daytime\": \"5041\"", body, StringComparison.Ordinal);
        Assert.Equal(3, RestScoreClient.CountItems(w.JsonBodies()[0]));
    }

    [Fact]
    public void Value_IsAString_AsTheModelsVocabularyExpects()
    {
        var w = FrappeWorkload.Build(Rows, candidates: 1, FeatureSource.Request);

        Assert.All(w.Requests[0].Context.Values, v => Assert.Equal(Value.KindOneofCase.StringValue, v.KindCase));
    }
}
