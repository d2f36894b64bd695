using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;

namespace AfmServing.IntegrationTests.Reliability.BadInput;

/// <summary>
/// One real server with the production limits (appsettings.json) serving test-afm and three models whose
/// fields are the columns of the Criteo, Avazu and Taobao samples.
/// </summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public const string Collection = "bad-input";

    public string Root { get; } = TestModels.TempRoot();
    public ScoringHost Host { get; private set; } = null!;
    public HttpClient Rest { get; private set; } = null!;
    public HttpClient H2c { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TestModels.Write(Root);
        var criteo = SampleRows.Criteo;
        ReliabilityModels.WriteForColumns(Root, "criteo", criteo.Columns, criteo.Numeric);
        var avazu = SampleRows.Avazu;
        ReliabilityModels.WriteForColumns(Root, "avazu", avazu.Columns, avazu.Numeric);
        var taobao = SampleRows.Taobao;
        ReliabilityModels.WriteForColumns(Root, "taobao", taobao.Columns, taobao.Numeric, taobao.MultiValued, user: "userid", item: "adgroup_id");
        Host = await ScoringHost.StartAsync(Root);
        Rest = ScoreClients.Rest(Host.HttpAddress);
        H2c = ScoreClients.H2c(Host.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        Rest.Dispose();
        H2c.Dispose();
        await Host.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The catalogue and the fuzz tests share one server.</summary>
[CollectionDefinition(BadInputFixture.Collection)]
public sealed class BadInputCollection : ICollectionFixture<BadInputFixture>;
