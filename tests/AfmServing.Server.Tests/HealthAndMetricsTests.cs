using System.Text.Json;

namespace AfmServing.Server.Tests;

public sealed class HealthAndMetricsTests(ScoringHostFixture fixture) : IClassFixture<ScoringHostFixture>
{
    [Fact]
    public async Task Live_Returns200()
    {
        using var response = await fixture.Host.Http.GetAsync("/healthz/live");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Ready_AfterWarmUp_Returns200WithModelAndStoreDetail()
    {
        using var response = await fixture.Host.Http.GetAsync("/healthz/ready");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("1", body.GetProperty("checks").GetProperty("models").GetProperty("data").GetProperty("test-afm").GetString());
        Assert.Contains("embedded", body.GetProperty("checks").GetProperty("feature_store").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterAScore_ExposesServiceInstruments()
    {
        using (var score = await fixture.Host.Http.PostAsync("/v1/score", Grpc.JsonBodies.Json("""{"candidates":[{"itemId":"i1"}]}""")))
            Assert.Equal(200, (int)score.StatusCode);

        string text = await fixture.Host.Http.GetStringAsync("/metrics");

        Assert.Contains("afm_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("afm_batch_rows", text, StringComparison.Ordinal);
        Assert.Contains("afm_execution_provider{", text, StringComparison.Ordinal);
        Assert.Contains("provider=\"cpu\"", text, StringComparison.Ordinal);
        Assert.Contains("afm_model_served{", text, StringComparison.Ordinal);
    }
}
