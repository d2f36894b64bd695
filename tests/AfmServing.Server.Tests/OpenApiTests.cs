using System.Text.Json;

namespace AfmServing.Server.Tests;

public sealed class OpenApiTests(ScoringHostFixture fixture) : IClassFixture<ScoringHostFixture>
{
    [Fact]
    public async Task OpenApiDocument_DescribesTheScoreEndpointAndItsMessages()
    {
        using var response = await fixture.Host.Http.GetAsync("/openapi/v1.json");
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(doc.GetProperty("paths").TryGetProperty("/v1/score", out var path));
        Assert.True(path.TryGetProperty("post", out _));
        string text = doc.GetRawText();
        Assert.Contains("candidates", text, StringComparison.Ordinal);
        Assert.Contains("featuresDegraded", text, StringComparison.Ordinal);
    }
}
