using AfmServing.Api.V1;
using AfmServing.Core.Features;
using AfmServing.Core.Features.Conversion;
using AfmServing.Core.Features.Loading;
using AfmServing.Core.Models;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace AfmServing.IntegrationTests.EndToEnd;

/// <summary>
/// The bundled MovieLens model with a real Redis: the users and items of MovieLens-100K are loaded with the
/// feature loader, then requests that carry only ids score exactly as requests carrying every feature.
/// </summary>
public sealed class MovieLensEndToEndTests : IAsyncLifetime
{
    private readonly string _exportDir = Path.Combine(Path.GetTempPath(), "afm-ml-" + Guid.NewGuid().ToString("N"));
    private RedisServer _redis = null!;
    private ScoringHost _host = null!;
    private Dictionary<string, EntityRecord> _users = null!;
    private Dictionary<string, EntityRecord> _items = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        // The same path a user takes: export the entity tables from the raw files, then bulk-load them.
        MovieLensEntityExport.Export(SharedData.Path("movielens-100k"), _exportDir);
        using (var connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString))
        {
            var loader = new FeatureLoader(connection);
            foreach (var entity in new[] { "user", "item" })
            {
                var result = await loader.LoadAsync(new FeatureLoadRequest { Path = Path.Combine(_exportDir, entity + "s.csv"), Entity = entity }, null, default);
                Assert.Equal(0, result.BadRows);
            }
        }
        _users = EntityFileReader.Read(Path.Combine(_exportDir, "users.csv")).ToDictionary(r => r.Id);
        _items = EntityFileReader.Read(Path.Combine(_exportDir, "items.csv")).ToDictionary(r => r.Id);
        _host = await ScoringHost.StartAsync(RepoPaths.Models, new Dictionary<string, string?>
        {
            ["FeatureStore:Redis"] = _redis.ConnectionString,
            ["FeatureStore:TimeoutMilliseconds"] = "2000",
        }, defaultModel: "movielens-afm");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_exportDir, recursive: true);
    }

    [Fact]
    public async Task Score_ByIdsOnly_EqualsScoringWithEveryFeatureInTheRequest()
    {
        var rows = File.ReadLines(SharedData.Path("movielens-100k", "u1.test")).Take(200).Select(l => l.Split('\t')).ToList();
        foreach (var group in rows.GroupBy(r => r[0]).Take(20))
        {
            string user = group.Key;
            var byIds = new ScoreRequest { Model = "movielens-afm", UserId = user };
            var full = new ScoreRequest { Model = "movielens-afm", UserId = user };
            foreach (var r in group)
            {
                byIds.Candidates.Add(new Candidate { ItemId = r[1] });
                var c = new Candidate { ItemId = r[1] };
                AddFeatures(c, _users[user]);
                AddFeatures(c, _items[r[1]]);
                full.Candidates.Add(c);
            }

            var a = await _host.Grpc.ScoreAsync(byIds);
            var b = await _host.Grpc.ScoreAsync(full);

            Assert.False(a.FeaturesDegraded);
            Assert.Equal(b.Scores.Select(s => s.Probability), a.Scores.Select(s => s.Probability));
        }
    }

    [Fact]
    public async Task Score_WithoutTheStore_DiffersFromTheStoredFeatures()
    {
        // Guards the test above: if lookups silently returned nothing, ids-only would still equal a request
        // carrying only ids, and the features would not matter.
        var request = new ScoreRequest { Model = "movielens-afm", UserId = "1" };
        request.Candidates.Add(new Candidate { ItemId = "1" });
        var stored = await _host.Grpc.ScoreAsync(request);

        var bare = new ScoreRequest { Model = "movielens-afm" };
        bare.Candidates.Add(new Candidate { ItemId = "" });
        bare.Candidates[0].Features.Add("user", Value.ForString("1"));
        bare.Candidates[0].Features.Add("item", Value.ForString("1"));
        var idsOnlyNoStore = await _host.Grpc.ScoreAsync(bare);

        Assert.NotEqual(idsOnlyNoStore.Scores[0].Probability, stored.Scores[0].Probability);
    }

    private static void AddFeatures(Candidate c, EntityRecord record)
    {
        foreach (var (name, raw) in record.Features)
        {
            if (c.Features.ContainsKey(name))
                continue;
            c.Features.Add(name, name switch
            {
                "age" or "year" => Value.ForNumber(double.Parse(raw, System.Globalization.CultureInfo.InvariantCulture)),
                "genres" => Value.ForList(raw.Split('|').Select(Value.ForString).ToArray()),
                _ => Value.ForString(raw),
            });
        }
    }
}
