using AfmServing.Core.Batching;
using Microsoft.Extensions.Time.Testing;

namespace AfmServing.Core.Tests.Batching;

/// <summary>A queued job's deadline is checked when a run would claim it, not only when its token fires.</summary>
public sealed class MicroBatcherDeadlineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static BatchingOptions Options() => new() { MaxBatchRows = 4, Workers = 1, MaxQueueRows = 64, MaxDelayMicroseconds = 2_000 };

    private static Task<BatchTiming> Submit(MicroBatcher batcher, int rows, long first, DateTimeOffset? deadline = null)
    {
        var (ids, values, p, att) = FakeRowScorer.Rows(rows, first);
        return batcher.ScoreAsync(ids, values, rows, p, att, deadline, CancellationToken.None).AsTask();
    }

    [Fact]
    public async Task Score_DeadlinePassedBeforeAWorkerIsFree_DroppedAtClaimThoughNoTokenFired()
    {
        var scorer = new FakeRowScorer(blocking: true);
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(), time);
        var busy = Submit(batcher, 1, 1);
        Assert.True(await scorer.Started.WaitAsync(Wait));
        // A deadline without a token: as when the timer that would cancel it has not run yet.
        var doomed = Submit(batcher, 2, 500, time.GetUtcNow() + TimeSpan.FromMilliseconds(50));
        var inTime = Submit(batcher, 1, 700, time.GetUtcNow() + TimeSpan.FromSeconds(60));

        time.Advance(TimeSpan.FromMilliseconds(100));
        scorer.Release(10);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed.WaitAsync(Wait));
        await Task.WhenAll(busy, inTime).WaitAsync(Wait);
        Assert.DoesNotContain(500L, scorer.SeenIds);
        Assert.DoesNotContain(501L, scorer.SeenIds);
        Assert.Contains(700L, scorer.SeenIds);
        Assert.Equal(0, batcher.QueuedRows);
    }

    [Fact]
    public async Task Score_DeadlineNotYetPassed_Scored()
    {
        var scorer = new FakeRowScorer();
        var time = new FakeTimeProvider();
        await using var batcher = new MicroBatcher(scorer, Options(), time);

        await Submit(batcher, 2, 10, time.GetUtcNow() + TimeSpan.FromMilliseconds(1)).WaitAsync(Wait);

        Assert.Contains(10L, scorer.SeenIds);
        Assert.Contains(11L, scorer.SeenIds);
    }
}
