using AfmServing.Api.V1;
using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AfmServing.IntegrationTests.Reliability.Security;

/// <summary>
/// The Redis password comes from configuration and goes nowhere else: not into a log line (at any level), the
/// readiness body or an error body, across start-up, failed connections and degraded lookups.
/// </summary>
public sealed class SecretsAndErrorBodiesTests : IAsyncLifetime
{
    private const string Secret = "s3cret-pw";

    private readonly string _root = TestModels.TempRoot();
    private readonly RecordingLoggerProvider _logs = new();
    private ScoringHost _host = null!;

    public async Task InitializeAsync()
    {
        TestModels.Write(_root);
        // Nothing listens on port 1: every connection attempt fails and is logged, every lookup is degraded.
        _host = await ScoringHost.StartAsync(_root, new Dictionary<string, string?>
        {
            ["FeatureStore:Redis"] = $"127.0.0.1:1,password={Secret}",
        }, configure: b =>
        {
            // Every level of every category reaches the recorder, whatever appsettings.json filters for the console.
            b.Logging.AddProvider(_logs);
            b.Logging.AddFilter<RecordingLoggerProvider>(null, LogLevel.Trace);
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task RedisPassword_NeverInLogsReadinessOrErrorBodies()
    {
        var bodies = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var response = await _host.Grpc.ScoreAsync(new ScoreRequest { UserId = "u1", Candidates = { new Candidate { ItemId = "i1" } } });
            Assert.True(response.FeaturesDegraded);
            bodies.Add(await PostAsync("""{"userId":"u1","candidates":[{"itemId":"i1"}]}"""));
            bodies.Add(await PostAsync("""{"userId":"u1","context":{"colour":"red"},"candidates":[{"itemId":"i1"}]}"""));
            bodies.Add(await PostAsync("""{"model":"nope","candidates":[{"itemId":"i1"}]}"""));
        }
        var rpc = await Assert.ThrowsAsync<RpcException>(() => _host.Grpc.ScoreAsync(new ScoreRequest()).ResponseAsync);
        bodies.Add(rpc.Status.Detail);
        // Let the multiplexer's background reconnects fail a few more times.
        await Task.Delay(1000);
        using var ready = await _host.Http.GetAsync("/healthz/ready");
        string readiness = await ready.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)ready.StatusCode);
        Assert.Contains("not connected to 127.0.0.1:1", readiness, StringComparison.Ordinal);
        Assert.Contains(_logs.Lines, l => l.Category == typeof(AfmServing.Core.Features.Redis.RedisFeatureStore).FullName);
        Assert.DoesNotContain(Secret, readiness, StringComparison.Ordinal);
        Assert.All(bodies, b => Assert.DoesNotContain(Secret, b, StringComparison.Ordinal));
        string logs = _logs.Text();
        Assert.True(_logs.Lines.Count > 100, $"only {_logs.Lines.Count} log lines were recorded");
        Assert.DoesNotContain(Secret, logs, StringComparison.Ordinal);
    }

    private async Task<string> PostAsync(string json)
    {
        var answer = await ScoreClients.PostScoreAsync(_host.Http, System.Text.Encoding.UTF8.GetBytes(json), "application/json");
        Invariants.Hold(answer, 1, json);
        return answer.RawBody;
    }
}
