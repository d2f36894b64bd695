using System.Diagnostics;
using AfmServing.Core.Models;
using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.ServerTestSupport;
using AfmServing.TestSupport;
using Grpc.Core;
using Xunit.Abstractions;

namespace AfmServing.IntegrationTests.Reliability.Overload;

/// <summary>gRPC deadlines reach the batcher: rows whose caller's deadline passes while they wait are dropped, never scored.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class QueuedDeadlineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int BlockerRows = 960;
    private const int Blockers = 8;

    /// <summary>Rows that must wait ahead of the victim: at least 150 ms of the real model on one worker here.</summary>
    private const int RowsAhead = 2000;

    private readonly string _root = TestModels.TempRoot();
    private ScoringHost _host = null!;

    public async Task InitializeAsync()
    {
        ReliabilityModels.WriteHeavy(_root);
        _host = await ScoringHost.StartAsync(_root, new Dictionary<string, string?>
        {
            ["Batching:Workers"] = "1",
            ["Batching:MaxBatchRows"] = "64",
            ["Batching:MaxQueueRows"] = "16384",
        }, defaultModel: "heavy-afm");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Score_DeadlinePassesWhileQueued_DeadlineExceededAndRowsNeverScored()
    {
        using var meters = new HostMeters(_host.Services);
        var model = _host.Get<ModelRegistry>().TryAcquire(null, out var served) ? served : null;
        Assert.NotNull(model);
        await model.ReleaseAsync();
        // 7680 rows in 64-row runs on one worker: a victim behind 2000 of them waits for 30 runs of the real model.
        var blockers = Enumerable.Range(0, Blockers)
            .Select(_ => _host.Grpc.ScoreAsync(OverloadTests.Request(BlockerRows), deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync)
            .ToArray();
        var waited = Stopwatch.StartNew();
        while (model.Batcher.QueuedRows < RowsAhead && waited.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(1);
        long queuedAhead = model.Batcher.QueuedRows;

        // Sent raw over h2c, so the answer read is the server's: a gRPC client would give up at its own deadline
        // first (by the network's latency) and cancel the call.
        using var h2c = ScoreClients.H2c(_host.GrpcAddress);
        var victim = await ScoreClients.PostGrpcFramesAsync(
            h2c, BadInput.BadRequestCatalogue.Frame(Google.Protobuf.MessageExtensions.ToByteArray(OverloadTests.Request(10))), "application/grpc",
            new Dictionary<string, string> { ["grpc-timeout"] = "100m" });
        var blocked = await Task.WhenAll(blockers);
        var settled = Stopwatch.StartNew();
        while ((meters.Requests("deadline_exceeded") < 1 || model.Batcher.QueuedRows > 0) && settled.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);

        output.WriteLine($"rows queued ahead of the victim: {queuedAhead}; rows scored {meters.RowsScored} in {meters.Batches} runs; statuses ok {meters.Requests("ok")}, deadline_exceeded {meters.Requests("deadline_exceeded")}");
        Assert.True(queuedAhead >= RowsAhead, $"only {queuedAhead} rows were queued ahead of the victim");
        Assert.Equal(StatusCode.DeadlineExceeded, victim.GrpcStatus);
        Assert.InRange(victim.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(5));
        Assert.All(blocked, b => Assert.Equal(BlockerRows, b.Scores.Count));
        // The server ended it as a deadline (not only the client giving up) …
        Assert.Equal(1, meters.Requests("deadline_exceeded"));
        Assert.Equal(Blockers, meters.Requests("ok"));
        // … and none of its 10 rows reached a model run.
        Assert.Equal(BlockerRows * Blockers, meters.RowsScored);
    }
}
