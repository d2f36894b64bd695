using System.Net.Http.Json;
using System.Text.Json;
using AfmServing.Api.V1;
using AfmServing.Core.Manifest;
using AfmServing.Core.Models;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using AfmServing.Training.Data;
using AfmServing.Training.Evaluation;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.IntegrationTests.EndToEnd;

/// <summary>
/// Every row of frappe.test.libfm through the bundled model over REST and over gRPC, 100 candidates a request:
/// the AUC of the returned probabilities equals the offline evaluation (afm evaluate's code path) to 1e-4.
/// </summary>
public sealed class FrappeEndToEndTests : IAsyncLifetime
{
    private const int CandidatesPerRequest = 100;
    private ScoringHost _host = null!;
    private RawDataset _rows = null!;
    private double _offlineAuc;

    public async Task InitializeAsync()
    {
        string modelRoot = RepoPaths.Models;
        string version = ModelRegistry.HighestVersion(Path.Combine(modelRoot, "frappe-afm"))
            ?? throw new InvalidOperationException("models/frappe-afm has no version");
        string dir = Path.Combine(modelRoot, "frappe-afm", version);
        var manifest = ManifestJson.Read(Path.Combine(dir, "manifest.json"));
        _rows = LibFmReader.Read(SharedData.FrappeTest);
        var encoded = DatasetEncoder.Encode(manifest.Fields, _rows);
        using (var runner = new OnnxModelRunner(Path.Combine(dir, "model.onnx")))
            _offlineAuc = Metrics.Auc(encoded.Labels, runner.Run(encoded).Probabilities);
        // A correctness test: the 1 s default deadline for REST calls is not what it measures, and a busy CI machine can exceed it.
        _host = await ScoringHost.StartAsync(modelRoot, new Dictionary<string, string?> { ["Scoring:DefaultTimeoutMilliseconds"] = "60000" }, defaultModel: "frappe-afm");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IEnumerable<List<RawRow>> Chunks()
    {
        for (int start = 0; start < _rows.Count; start += CandidatesPerRequest)
            yield return _rows.Rows.GetRange(start, Math.Min(CandidatesPerRequest, _rows.Count - start));
    }

    [Fact]
    public async Task EveryTestRowOverRest_AucEqualsOfflineEvaluation()
    {
        var probabilities = await ScoreAllAsync(async chunk =>
        {
            var body = new
            {
                model = "frappe-afm",
                candidates = chunk.Select(r => new
                {
                    itemId = r.Values[1],
                    features = _rows.FieldNames.Select((name, j) => (name, j)).ToDictionary(x => x.name, x => r.Values[x.j]),
                }),
            };
            using var response = await _host.Http.PostAsJsonAsync("/v1/score", body);
            response.EnsureSuccessStatusCode();
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return json.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("probability").GetSingle()).ToArray();
        });

        AssertAucMatches(probabilities);
    }

    [Fact]
    public async Task EveryTestRowOverGrpc_AucEqualsOfflineEvaluation()
    {
        var probabilities = await ScoreAllAsync(async chunk =>
        {
            var request = new ScoreRequest { Model = "frappe-afm" };
            foreach (var r in chunk)
            {
                var c = new Candidate { ItemId = r.Values[1] ?? "" };
                for (int j = 0; j < _rows.FieldNames.Count; j++)
                    c.Features.Add(_rows.FieldNames[j], Value.ForString(r.Values[j]));
                request.Candidates.Add(c);
            }
            var response = await _host.Grpc.ScoreAsync(request);
            return response.Scores.Select(s => s.Probability).ToArray();
        });

        AssertAucMatches(probabilities);
    }

    private async Task<float[]> ScoreAllAsync(Func<List<RawRow>, Task<float[]>> score)
    {
        var chunks = Chunks().ToList();
        var results = new float[chunks.Count][];
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            results[i] = await score(chunks[i]);
            Assert.Equal(chunks[i].Count, results[i].Length);
        });
        return [.. results.SelectMany(r => r)];
    }

    private void AssertAucMatches(float[] probabilities)
    {
        Assert.Equal(_rows.Count, probabilities.Length);
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        var labels = _rows.Rows.Select(r => r.Label).ToArray();
        double auc = Metrics.Auc(labels, probabilities);
        Assert.True(Math.Abs(auc - _offlineAuc) <= 1e-4, $"served AUC {auc:F6} vs offline {_offlineAuc:F6}");
        Assert.True(_offlineAuc > 0.9, $"offline AUC {_offlineAuc:F4} is not the trained model's");
    }
}
