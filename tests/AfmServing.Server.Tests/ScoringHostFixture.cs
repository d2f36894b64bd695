using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using AfmServing.Training.Model;

namespace AfmServing.Server.Tests;

/// <summary>One real server over a random test model, shared by the tests of a class.</summary>
public sealed class ScoringHostFixture : IAsyncLifetime
{
    public string Root { get; } = TestModels.TempRoot();
    public AfmParameters Parameters { get; private set; } = null!;
    public ScoringHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Parameters = TestModels.Write(Root);
        Host = await ScoringHost.StartAsync(Root, new Dictionary<string, string?> { ["Scoring:MaxCandidates"] = "50" });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
