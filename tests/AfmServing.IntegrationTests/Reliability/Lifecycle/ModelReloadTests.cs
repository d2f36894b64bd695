using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using AfmServing.Api.V1;
using AfmServing.Core.Encoding;
using AfmServing.Core.Models;
using AfmServing.Core.Scoring;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using AfmServing.Training.Model;
using Google.Protobuf.WellKnownTypes;
using Xunit.Abstractions;

namespace AfmServing.IntegrationTests.Reliability.Lifecycle;

/// <summary>New versions are loaded, warmed and swapped in under load; the old one is disposed after its last run.</summary>
public sealed class ModelReloadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = TestModels.TempRoot();
    private readonly Dictionary<string, AfmParameters> _versions = [];
    private ScoringHost _host = null!;
    private int _answered;

    public async Task InitializeAsync()
    {
        _versions["1"] = TestModels.Write(_root, version: "1", seed: 1);
        _host = await ScoringHost.StartAsync(_root);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Refresh_NewVersionUnderLoad_SwapsAtomicallyWithZeroFailedRequests()
    {
        var registry = _host.Get<ModelRegistry>();
        using var meters = new AfmServing.IntegrationTests.Reliability.Support.HostMeters(_host.Services);
        Assert.Equal([("test-afm", "1", 1L)], meters.ServedNow());
        Assert.True(registry.TryAcquire(null, out var v1));
        await v1.ReleaseAsync();
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 4).Select(i => LoadAsync(i % 4 == 3, stop.Token)).ToArray();
        var warming = Stopwatch.StartNew();
        while (Volatile.Read(ref _answered) < 40 && warming.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(20);

        _versions["2"] = TestModels.Write(_root, version: "2", seed: 2);
        var refresh = Stopwatch.StartNew();
        await registry.RefreshAsync(CancellationToken.None);
        refresh.Stop();
        var afterSwap = await _host.Grpc.ScoreAsync(Request());
        await Task.Delay(300);
        await stop.CancelAsync();
        var runs = await Task.WhenAll(callers);

        var all = runs.SelectMany(r => r).ToList();
        output.WriteLine($"refresh took {refresh.ElapsedMilliseconds} ms; {all.Count} requests: {all.Count(a => a.Version == "1")} on v1, {all.Count(a => a.Version == "2")} on v2, {all.Count(a => a.Error is not null)} failed");
        Assert.DoesNotContain(all, a => a.Error is not null);
        Assert.Equal("2", afterSwap.ModelVersion);
        Assert.Contains(all, a => a.Version == "1");
        Assert.Contains(all, a => a.Version == "2");
        // Atomic: every answer is wholly one version's, and once a caller saw v2 it never saw v1 again.
        foreach (var a in all)
            Assert.Equal(Expected(a.Version!), a.Probabilities, new ProbabilityComparer());
        foreach (var run in runs)
            Assert.DoesNotContain(run.SkipWhile(a => a.Version == "1"), a => a.Version == "1");
        // The retired version was disposed once its last in-flight run ended.
        Assert.False(v1.TryAcquire(), "version 1 still takes leases after the swap");
        Assert.Equal(new Dictionary<string, string> { ["test-afm"] = "2" }, registry.Versions);
        // The gauge behind afm_model_served{model,version} reports the new version alone.
        Assert.Equal([("test-afm", "2", 1L)], meters.ServedNow());
    }

    [Fact]
    public async Task Refresh_OldVersionLeasedDuringSwap_DisposedOnlyWhenTheLeaseEnds()
    {
        var registry = _host.Get<ModelRegistry>();
        Assert.True(registry.TryAcquire(null, out var v1));

        _versions["2"] = TestModels.Write(_root, version: "2", seed: 2);
        await registry.RefreshAsync(CancellationToken.None);

        // A run that leased v1 before the swap still completes on v1 …
        var ids = new long[6];
        var values = new float[6];
        var probability = new float[1];
        var attention = new float[15];
        for (int j = 0; j < 6; j++)
            ids[j] = v1.Manifest.Fields[j].Offset;
        await v1.Batcher.ScoreAsync(ids, values, 1, probability, attention, CancellationToken.None);
        Assert.InRange(probability[0], 0f, 1f);
        Assert.Equal("2", (await _host.Grpc.ScoreAsync(Request())).ModelVersion);

        // … and the session goes away with the last lease.
        await v1.ReleaseAsync();
        Assert.False(v1.TryAcquire());
        var e = await Assert.ThrowsAsync<ScoringException>(async () => await v1.Batcher.ScoreAsync(ids, values, 1, probability, attention, CancellationToken.None));
        Assert.Equal(ScoringErrorCode.Unavailable, e.Code);
    }

    private static ScoreRequest Request()
    {
        var r = new ScoreRequest { UserId = "u2" };
        r.Context.Add("daytime", Value.ForString("evening"));
        r.Context.Add("price", Value.ForNumber(3.5));
        r.Candidates.Add(new Candidate { ItemId = "i1", Features = { ["cost"] = Value.ForString("paid") } });
        r.Candidates.Add(new Candidate { ItemId = "i3" });
        return r;
    }

    /// <summary>The request's probabilities by the reference forward pass of a version's parameters (i3's cost comes from items.csv).</summary>
    private float[] Expected(string version)
    {
        var encoder = new RowEncoder(TestModels.Manifest("test-afm", version));
        string?[][] rows = [["u2", "i1", "paid", "evening", "3.5", null], ["u2", "i3", "free", "evening", "3.5", null]];
        return [.. rows.Select(row =>
        {
            var ids = new long[encoder.FieldCount];
            var values = new float[encoder.FieldCount];
            for (int j = 0; j < encoder.FieldCount; j++)
                Assert.True(encoder.Fields[j].TryEncodeText(row[j], out ids[j], out values[j], out _));
            return (float)AfmReference.Sigmoid(AfmReference.Logit(_versions[version], ids, values, new double[encoder.PairCount]));
        })];
    }

    private async Task<List<Scored>> LoadAsync(bool rest, CancellationToken stop)
    {
        var results = new List<Scored>();
        byte[] json = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(Request()));
        while (!stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _answered);
            try
            {
                if (rest)
                {
                    using var content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                    using var response = await _host.Http.PostAsync("/v1/score", content, CancellationToken.None);
                    string body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if ((int)response.StatusCode != 200)
                    {
                        results.Add(new Scored(null, [], $"HTTP {(int)response.StatusCode}: {body}"));
                        continue;
                    }
                    var parsed = ScoreResponse.Parser.WithDiscardUnknownFields(true).ParseJson(body);
                    results.Add(new Scored(parsed.ModelVersion, [.. parsed.Scores.Select(s => s.Probability)], null));
                }
                else
                {
                    var response = await _host.Grpc.ScoreAsync(Request(), cancellationToken: CancellationToken.None);
                    results.Add(new Scored(response.ModelVersion, [.. response.Scores.Select(s => s.Probability)], null));
                }
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException)
            {
                results.Add(new Scored(null, [], e.Message));
            }
        }
        return results;
    }

    private sealed record Scored(string? Version, float[] Probabilities, string? Error);

    private sealed class ProbabilityComparer : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) < 1e-5f;

        public int GetHashCode(float obj) => 0;
    }
}
