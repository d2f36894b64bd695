using AfmServing.Core.Batching;
using AfmServing.Core.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace AfmServing.Core.Tests.Batching;

public sealed class MicroBatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static BatchingOptions Options(int maxRows = 4, int workers = 2, int maxQueue = 64, int delayMicros = 1_000_000) => new()
    {
        MaxBatchRows = maxRows,
        Workers = workers,
        MaxQueueRows = maxQueue,
        MaxDelayMicroseconds = delayMicros,
    };

    private static Task<BatchTiming> Submit(MicroBatcher batcher, int rows, long first, out float[] probs, CancellationToken token = default)
    {
        var (ids, values, p, att) = FakeRowScorer.Rows(rows, first);
        probs = p;
        return batcher.ScoreAsync(ids, values, rows, p, att, token).AsTask();
    }

    [Fact]
    public async Task Score_IdleModel_RunsAtOnceWithoutWaitingForTheTimer()
    {
        var scorer = new FakeRowScorer();
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(), time);

        await Submit(batcher, 1, 7, out var probs).WaitAsync(Wait);

        Assert.Equal(0.007f, probs[0]);
        Assert.Equal([1], scorer.BatchSizes);
    }

    [Fact]
    public async Task Score_FullBatchWhileModelBusy_FlushesAtOnce()
    {
        var scorer = new FakeRowScorer(blocking: true);
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(maxRows: 4), time);
        var busy = Submit(batcher, 1, 1, out _);
        Assert.True(await scorer.Started.WaitAsync(Wait));

        var parts = Enumerable.Range(0, 4).Select(i => Submit(batcher, 1, 100 + i, out _)).ToArray();

        // The clock never moves: only a full batch can start the second run.
        Assert.True(await scorer.Started.WaitAsync(Wait));
        Assert.Equal([1, 4], scorer.BatchSizes);
        scorer.Release(2);
        await Task.WhenAll(parts).WaitAsync(Wait);
        await busy.WaitAsync(Wait);
    }

    [Fact]
    public async Task Score_PartialBatchWhileModelBusy_FlushedByTimer()
    {
        var scorer = new FakeRowScorer(blocking: true);
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(maxRows: 8, delayMicros: 5_000), time);
        var busy = Submit(batcher, 1, 1, out _);
        Assert.True(await scorer.Started.WaitAsync(Wait));

        var partial = Submit(batcher, 2, 10, out var probs);
        Assert.False(await scorer.Started.WaitAsync(TimeSpan.FromMilliseconds(200)), "a partial batch must wait while the model is busy");

        time.Advance(TimeSpan.FromMilliseconds(5));

        Assert.True(await scorer.Started.WaitAsync(Wait));
        Assert.Equal([1, 2], scorer.BatchSizes);
        scorer.Release(2);
        await partial.WaitAsync(Wait);
        Assert.Equal([0.010f, 0.011f], probs);
        await busy.WaitAsync(Wait);
    }

    [Fact]
    public async Task Score_QueueFull_RejectsWithResourceExhaustedAndRetryAfter()
    {
        var scorer = new FakeRowScorer(blocking: true);
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(maxRows: 4, workers: 1, maxQueue: 4), time);
        var busy = Submit(batcher, 1, 1, out _);
        Assert.True(await scorer.Started.WaitAsync(Wait));
        var queued = Submit(batcher, 4, 10, out _);

        var e = await Assert.ThrowsAsync<ScoringException>(() => Submit(batcher, 1, 20, out _));

        Assert.Equal(ScoringErrorCode.ResourceExhausted, e.Code);
        Assert.NotNull(e.RetryAfter);
        Assert.Contains("queue is full", e.Message, StringComparison.Ordinal);
        scorer.Release(10);
        await Task.WhenAll(busy, queued).WaitAsync(Wait);
        Assert.Equal(0, batcher.QueuedRows);
    }

    [Fact]
    public async Task Score_DeadlineExpiresWhileQueued_RemovedAndNeverComputed()
    {
        var scorer = new FakeRowScorer(blocking: true);
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(maxRows: 4, workers: 1), time);
        var busy = Submit(batcher, 1, 1, out _);
        Assert.True(await scorer.Started.WaitAsync(Wait));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(50), time);
        var doomed = Submit(batcher, 2, 500, out _, deadline.Token);
        Assert.Equal(2, batcher.QueuedRows);

        time.Advance(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed.WaitAsync(Wait));
        Assert.Equal(0, batcher.QueuedRows);
        scorer.Release(10);
        await busy.WaitAsync(Wait);
        await Submit(batcher, 1, 900, out _).WaitAsync(Wait);
        Assert.DoesNotContain(500L, scorer.SeenIds);
        Assert.DoesNotContain(501L, scorer.SeenIds);
        Assert.Contains(900L, scorer.SeenIds);
    }

    [Fact]
    public async Task Score_RequestLargerThanMaxBatchRows_SplitAndReassembledInOrder()
    {
        var scorer = new FakeRowScorer();
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(maxRows: 4), time);

        await Submit(batcher, 10, 0, out var probs).WaitAsync(Wait);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i / 1000f), probs);
        Assert.All(scorer.BatchSizes, size => Assert.True(size <= 4));
        Assert.Equal(10, scorer.BatchSizes.Sum());
    }

    [Fact]
    public async Task Score_ManyConcurrentCallers_EachGetsItsOwnRowsInOrder()
    {
        var scorer = new FakeRowScorer();
        await using var batcher = new MicroBatcher(scorer, Options(maxRows: 16, maxQueue: 1024, delayMicros: 500), TimeProvider.System);
        var calls = new List<(Task Task, float[] Probs, long First, int Rows)>();
        for (int c = 0; c < 64; c++)
        {
            int rows = 1 + c % 7;
            long first = c * 100L;
            calls.Add((Submit(batcher, rows, first, out var probs), probs, first, rows));
        }

        await Task.WhenAll(calls.Select(c => c.Task)).WaitAsync(Wait);

        foreach (var (_, probs, first, rows) in calls)
            Assert.Equal(Enumerable.Range(0, rows).Select(r => (first + r) / 1000f), probs);
    }

    [Fact]
    public async Task Score_BatchingDisabled_RunsEachRequestAlone()
    {
        var scorer = new FakeRowScorer();
        var options = Options();
        options.Enabled = false;
        await using var batcher = new MicroBatcher(scorer, options, new FakeTimeProvider());

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Submit(batcher, 3, i * 10, out _))).WaitAsync(Wait);

        Assert.Equal([3, 3, 3, 3, 3], scorer.BatchSizes);
    }

    [Fact]
    public async Task DisposeAsync_FinishesAcceptedWork()
    {
        var scorer = new FakeRowScorer(blocking: true);
        var batcher = new MicroBatcher(scorer, Options(maxRows: 4, workers: 1), new FakeTimeProvider());
        var busy = Submit(batcher, 1, 1, out _);
        Assert.True(await scorer.Started.WaitAsync(Wait));
        var queued = Submit(batcher, 2, 10, out var probs);

        var disposing = batcher.DisposeAsync().AsTask();
        scorer.Release(10);
        await disposing.WaitAsync(Wait);

        await Task.WhenAll(busy, queued).WaitAsync(Wait);
        Assert.Equal([0.010f, 0.011f], probs);
        await Assert.ThrowsAsync<ScoringException>(() => Submit(batcher, 1, 5, out _));
    }
}
