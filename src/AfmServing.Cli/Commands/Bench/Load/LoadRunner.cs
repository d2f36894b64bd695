using System.Diagnostics;
using HdrHistogram;

namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>What a load run recorded over its measured window.</summary>
/// <param name="Recorder">Outcomes of the requests sent (closed) or scheduled (open) inside the window.</param>
/// <param name="WindowSeconds">From the window's start to the last answer of a request sent inside it.</param>
/// <param name="DispatchLag">Open loop: how late each send left against its schedule (µs); null for closed loop.</param>
public sealed record LoadOutcome(LatencyRecorder Recorder, double WindowSeconds, HistogramBase? DispatchLag);

/// <summary>
/// Drives a client with a <see cref="LoadPlan"/>. The warm-up runs the same load unrecorded and flows straight into
/// the measured window, so the window starts in steady state. In the open loop a request's latency runs from its
/// scheduled send time, not from when it actually left: a stalled server or client cannot hide queueing
/// (no coordinated omission), and a send that could not leave (too many in flight) is an error, not a skipped sample.
/// </summary>
public static class LoadRunner
{
    /// <summary>Requests still unanswered this long after the window are cancelled (counted as <c>cancelled</c>), so a stuck server cannot hang the bench.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(10);

    /// <param name="client">The transport.</param>
    /// <param name="plan">Mode, rate or callers, warm-up and window.</param>
    /// <param name="windowStarted">Called once when the measured window starts (e.g. to snapshot server metrics).</param>
    /// <param name="live">Receives the window's recorder as soon as it exists, for progress display.</param>
    /// <param name="cancellationToken">Stops sending; requests in flight are awaited.</param>
    public static async Task<LoadOutcome> RunAsync(IScoreClient client, LoadPlan plan, Func<Task>? windowStarted = null, Action<LatencyRecorder, long, long>? live = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(plan);
        var recorder = new LatencyRecorder();
        long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        long windowStart = start + Ticks(plan.Warmup);
        long stop = windowStart + Ticks(plan.Duration);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), stop) + DrainLimit);
        live?.Invoke(recorder, windowStart, stop);
        var snapshot = Task.Run(async () =>
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), windowStart);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            if (windowStarted is not null)
                await windowStarted().ConfigureAwait(false);
        }, cancellationToken);

        long lastEnd;
        HistogramBase? lag = null;
        if (plan.Mode == LoadMode.Closed)
        {
            lastEnd = await ClosedAsync(client, plan.Concurrency, windowStart, stop, recorder, drain.Token).ConfigureAwait(false);
        }
        else
        {
            var lagHistogram = new LongConcurrentHistogram(1, 600_000_000, 3);
            lastEnd = await OpenAsync(client, plan, start, windowStart, stop, recorder, lagHistogram, drain.Token).ConfigureAwait(false);
            lag = lagHistogram;
        }
        try
        {
            await snapshot.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before the window started: nothing was measured.
        }
        double seconds = Stopwatch.GetElapsedTime(windowStart, Math.Max(stop, lastEnd)).TotalSeconds;
        return new LoadOutcome(recorder, seconds, lag);
    }

    private static async Task<long> ClosedAsync(IScoreClient client, int callers, long windowStart, long stop, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callers, 1);
        int next = -1;
        long lastEnd = 0;
        var workers = new Task[callers];
        for (int w = 0; w < callers; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    long sent = Stopwatch.GetTimestamp();
                    if (sent >= stop)
                        break;
                    int index = (int)((uint)Interlocked.Increment(ref next) % (uint)client.PoolSize);
                    string status = await Send(client, index, cancellationToken).ConfigureAwait(false);
                    long answered = Stopwatch.GetTimestamp();
                    if (sent >= windowStart)
                    {
                        recorder.Record(status, answered - sent);
                        InterlockedMax(ref lastEnd, answered);
                    }
                }
            }, CancellationToken.None);
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        return Interlocked.Read(ref lastEnd);
    }

    private static async Task<long> OpenAsync(IScoreClient client, LoadPlan plan, long start, long windowStart, long stop, LatencyRecorder recorder, LongConcurrentHistogram lag, CancellationToken cancellationToken)
    {
        var schedule = new PoissonSchedule(plan.Rate, plan.Seed);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // One extra count for the dispatcher itself, released when it stops, so "drained" cannot fire early.
        int inFlight = 1;
        long lastEnd = 0;

        async Task SendScheduled(int index, long due)
        {
            string status = await Send(client, index, cancellationToken).ConfigureAwait(false);
            long answered = Stopwatch.GetTimestamp();
            if (due >= windowStart)
            {
                recorder.Record(status, answered - due);
                InterlockedMax(ref lastEnd, answered);
            }
            if (Interlocked.Decrement(ref inFlight) == 0)
                drained.TrySetResult();
        }

        Func<int, long, Task> send = SendScheduled;

        // A dedicated thread keeps the schedule even when the thread pool is busy with replies; it only hands each
        // send to the pool, because starting a call can block for a while (HTTP/2 connection-pool and timer locks
        // under thousands of calls in flight), and a stalled dispatcher would send late in bursts.
        var dispatcher = new Thread(() =>
        {
            for (int k = 0; !cancellationToken.IsCancellationRequested; k++)
            {
                long due = start + (long)(schedule.NextSeconds() * Stopwatch.Frequency);
                if (due >= stop)
                    break;
                PreciseSleep.Until(due);
                if (due >= windowStart)
                    lag.RecordValue(Math.Clamp(LatencyRecorder.ToMicros(Stopwatch.GetTimestamp() - due), 1, 600_000_000));
                if (Volatile.Read(ref inFlight) > plan.MaxInFlight)
                {
                    if (due >= windowStart)
                        recorder.Record("client: too many in flight", 0);
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                ThreadPool.UnsafeQueueUserWorkItem(
                    static s => _ = s.Send(s.Index, s.Due),
                    (Send: send, Index: (int)((uint)k % (uint)client.PoolSize), Due: due),
                    preferLocal: false);
            }
            if (Interlocked.Decrement(ref inFlight) == 0)
                drained.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "afm-bench-dispatcher",
        };
        dispatcher.Start();
        await drained.Task.ConfigureAwait(false);
        return Interlocked.Read(ref lastEnd);
    }

    private static async Task<string> Send(IScoreClient client, int index, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(index, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Interlocked.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
