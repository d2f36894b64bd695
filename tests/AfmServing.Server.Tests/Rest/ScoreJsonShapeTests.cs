using System.Text;
using AfmServing.Api.V1;
using AfmServing.Server.Rest;

namespace AfmServing.Server.Tests.Rest;

public sealed class ScoreJsonShapeTests
{
    private static string? Check(string json) => ScoreJsonShape.Check(Encoding.UTF8.GetBytes(json), ScoreRequest.Descriptor);

    [Theory]
    [InlineData("""{"userId":"u1","context":{"daytime":"night","price":3.5,"tags":["a","b"],"x":null},"candidates":[{"itemId":"i1","features":{"cost":{"deep":[1,{"a":true}]}}}],"explain":true}""")]
    [InlineData("""{"user_id":"u1","request_id":"r","candidates":[{"item_id":"i1"}],"model":null,"explain":null}""")]
    [InlineData("""  {}  """)]
    public void Check_WellShapedBody_Passes(string json) => Assert.Null(Check(json));

    [Theory]
    [InlineData("""{"UserID":"u1"}""", "UserID: unknown field; field names are case-sensitive, did you mean 'userId'?")]
    [InlineData("""{"score":1}""", "score: unknown field (ScoreRequest fields: model, requestId, userId, context, candidates, explain)")]
    [InlineData("""{"candidates":[{},{"itemid":"x"}]}""", "candidates[1].itemid: unknown field; field names are case-sensitive, did you mean 'itemId'?")]
    [InlineData("""{"user_id":"a","userId":"b"}""", "userId: repeated; a field may appear once")]
    [InlineData("""{"context":{"a":1,"a":2}}""", "context.a: repeated; a name may appear once")]
    [InlineData("""{"candidates":[{"features":{"a":1}},{"features":{"a":1,"b":2,"a":3}}]}""", "candidates[1].features.a: repeated; a name may appear once")]
    [InlineData("""{"candidates":null}""", "candidates: expected a list, got null; leave the field out instead")]
    [InlineData("""{"candidates":[1]}""", "candidates[0]: expected an object, got a number")]
    [InlineData("""{"explain":"true"}""", "explain: expected true or false, got a string")]
    [InlineData("""{"model":["m"]}""", "model: expected a string, got a list")]
    [InlineData("""[]""", "the body must be a JSON object (ScoreRequest), got a list")]
    [InlineData("""{"context":{"a":"\udc00"}}""", "context.a: the string is not valid UTF-8 or holds a lone UTF-16 surrogate escape")]
    public void Check_BadShape_NamesTheFieldAndTheReason(string json, string expected) => Assert.Equal(expected, Check(json));

    [Theory]
    [InlineData("""{"candidates":[]} []""")]
    [InlineData("""{"candidates":[}""")]
    [InlineData("")]
    public void Check_MalformedJson_SaysInvalidJsonWithThePosition(string json)
    {
        string? error = Check(json);

        Assert.NotNull(error);
        Assert.StartsWith("invalid JSON: ", error, StringComparison.Ordinal);
        Assert.Contains("BytePositionInLine", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InvalidUtf8InsideAFeatureValue_NamesTheFeature()
    {
        byte[] json = [.. "{\"context\":{\"daytime\":[\"a\",\""u8, 0xFF, .. "\"]}}"u8];

        Assert.Equal("context.daytime: the string is not valid UTF-8", ScoreJsonShape.Check(json, ScoreRequest.Descriptor));
    }

    [Fact]
    public void Check_BrokenLiteralBeforeALongTail_DoesNotEchoTheTail()
    {
        string error = Check("""{"context":{"price":nul""" + "\u00ff" + new string('y', 5000) + "\"}}")!;

        Assert.StartsWith("invalid JSON: ", error, StringComparison.Ordinal);
        Assert.True(error.Length < 400, $"{error.Length} characters");
    }

    [Fact]
    public void Check_LongUnknownName_IsShortenedInTheMessage()
    {
        string error = Check($$"""{"{{new string('n', 10_000)}}":1}""")!;

        Assert.True(error.Length < 300, $"{error.Length} characters");
    }
}
