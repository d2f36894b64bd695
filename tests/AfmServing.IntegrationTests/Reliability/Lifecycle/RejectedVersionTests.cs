using AfmServing.Api.V1;
using AfmServing.Core.Models;
using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using Microsoft.Extensions.Logging;

namespace AfmServing.IntegrationTests.Reliability.Lifecycle;

/// <summary>A broken or contract-breaking version is rejected with a clear log line while the served version keeps serving.</summary>
public sealed class RejectedVersionTests : IAsyncLifetime
{
    private readonly string _root = TestModels.TempRoot();
    private readonly RecordingLoggerProvider _logs = new();
    private ScoringHost _host = null!;

    public async Task InitializeAsync()
    {
        TestModels.Write(_root, version: "1", seed: 1);
        _host = await ScoringHost.StartAsync(_root, configure: b => b.Logging.AddProvider(_logs));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "garbage-graph", "ONNX Runtime cannot load the graph" },
        { "renamed-input", "the graph has no 'feature_values' (it has feature_ids, values)" },
        { "wrong-output-shape", "'probability' has rank 2, expected 1" },
        { "manifest-missing-field", "'feature_ids' has last dimension 6, the manifest implies 5" },
        { "manifest-not-json", "invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task Refresh_BrokenVersion_RejectedWithALogLineWhileTheOldOneServes(string breakage, string reason)
    {
        var registry = _host.Get<ModelRegistry>();
        Write(breakage, "2");

        await registry.RefreshAsync(CancellationToken.None);

        var rejected = _logs.Lines.Where(l => l.Category == typeof(ModelRegistry).FullName && l.EventId == 201).ToList();
        Assert.True(rejected.Count == 1, $"expected one rejection line, got:\n{_logs.Text()}");
        Assert.Equal(LogLevel.Error, rejected[0].Level);
        Assert.Contains("Model test-afm version 2 rejected; the previous version keeps serving", rejected[0].Message, StringComparison.Ordinal);
        Assert.True(rejected[0].Message.Contains(reason, StringComparison.Ordinal), $"'{reason}' not in: {rejected[0].Message}");
        Assert.Equal("1", registry.Versions["test-afm"]);
        var response = await _host.Grpc.ScoreAsync(new ScoreRequest { Candidates = { new Candidate { ItemId = "i1" } } });
        Assert.Equal("1", response.ModelVersion);
        using var ready = await _host.Http.GetAsync("/healthz/ready");
        Assert.Equal(200, (int)ready.StatusCode);

        // The rejected version is not retried on every scan, and a fixed version that follows it loads.
        await registry.RefreshAsync(CancellationToken.None);
        Assert.Single(_logs.Lines, l => l.EventId == 201);
        TestModels.Write(_root, version: "3", seed: 3);
        await registry.RefreshAsync(CancellationToken.None);
        Assert.Equal("3", (await _host.Grpc.ScoreAsync(new ScoreRequest { Candidates = { new Candidate { ItemId = "i1" } } })).ModelVersion);
    }

    private void Write(string breakage, string version)
    {
        switch (breakage)
        {
            case "garbage-graph":
                ReliabilityModels.WriteGarbageGraph(_root, "test-afm", version);
                break;
            case "renamed-input":
                ReliabilityModels.WriteRenamedInput(_root, "test-afm", version);
                break;
            case "wrong-output-shape":
                ReliabilityModels.WriteWrongOutputShape(_root, "test-afm", version);
                break;
            case "manifest-missing-field":
                ReliabilityModels.WriteManifestMissingField(_root, "test-afm", version);
                break;
            case "manifest-not-json":
                TestModels.Write(_root, version: version, seed: 9);
                File.WriteAllText(Path.Combine(_root, "test-afm", version, "manifest.json"), "{\"name\": \"test-afm\", \"fields\": [");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }
    }
}
