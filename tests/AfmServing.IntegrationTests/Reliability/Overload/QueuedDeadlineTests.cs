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
            ["Batching:MaxQueueRows"] = "200000",
            ["Scoring:DefaultTimeoutMilliseconds"] = "60000",
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
        var model = _host.Get<ModelRegistry>().TryAcquire(null, out var served) ? served : null;
        Assert.NotNull(model);
        await model.ReleaseAsync();
        // The victim goes raw over h2c, so the answer read is the server's: a gRPC client would give up at its own
        // deadline first (by the network's latency) and cancel the call. The connection is opened beforehand.
        using var h2c = ScoreClients.H2c(_host.GrpcAddress);
        var warm = await ScoreClients.PostGrpcFramesAsync(h2c, BadInput.BadRequestCatalogue.Frame(Google.Protobuf.MessageExtensions.ToByteArray(OverloadTests.Request(1))), "application/grpc");
        Assert.Equal(StatusCode.OK, warm.GrpcStatus);
        // Blockers for two seconds of the real model in 64-row runs on one worker: once 2,000 rows wait, a victim
        // sent behind them still finds most of them ahead however long its trip takes.
        double rowsPerSecond = await Throughput.RowsPerSecondAsync(() => _host.Grpc.ScoreAsync(OverloadTests.Request(BlockerRows)).ResponseAsync, BlockerRows, TimeSpan.FromSeconds(1));
        int blockerCount = Throughput.RequestsFor(TimeSpan.FromSeconds(2), rowsPerSecond, BlockerRows, min: 8, max: 150);
        using var meters = new HostMeters(_host.Services);
        var blockers = Enumerable.Range(0, blockerCount)
            .Select(_ => _host.Grpc.ScoreAsync(OverloadTests.Request(BlockerRows), deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync)
            .ToArray();
        var waited = Stopwatch.StartNew();
        while (model.Batcher.QueuedRows < RowsAhead && waited.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(1);
        long queuedAhead = model.Batcher.QueuedRows;

        var victim = await ScoreClients.PostGrpcFramesAsync(
            h2c, BadInput.BadRequestCatalogue.Frame(Google.Protobuf.MessageExtensions.ToByteArray(OverloadTests.Request(10))), "application/grpc",
            new Dictionary<string, string> { ["grpc-timeout"] = "100m" });
        var blocked = await Task.WhenAll(blockers);
        var settled = Stopwatch.StartNew();
        while ((meters.Requests("deadline_exceeded") < 1 || model.Batcher.QueuedRows > 0) && settled.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);

        output.WriteLine($"{rowsPerSecond:F0} rows/s, {blockerCount} blockers; victim answered {victim.GrpcStatus} after {victim.Elapsed.TotalMilliseconds:F0} ms; rows queued ahead of the victim: {queuedAhead}; rows scored {meters.RowsScored} in {meters.Batches} runs; statuses ok {meters.Requests("ok")}, deadline_exceeded {meters.Requests("deadline_exceeded")}");
        Assert.True(queuedAhead >= RowsAhead, $"only {queuedAhead} rows were queued ahead of the victim");
        Assert.Equal(StatusCode.DeadlineExceeded, victim.GrpcStatus);
        Assert.InRange(victim.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(5));
        Assert.All(blocked, b => Assert.Equal(BlockerRows, b.Scores.Count));
        // The server ended it as a deadline (not only the client giving up) …
        Assert.Equal(1, meters.Requests("deadline_exceeded"));
        Assert.Equal(blockerCount, meters.Requests("ok"));
        // … and none of its 10 rows reached a model run.
        Assert.Equal(BlockerRows * blockerCount, meters.RowsScored);
    }
}
