using System.Diagnostics;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// Measures how many rows a server scores per second right now, so that tests which need the model busy for a
/// while size their load from the machine and the graph of the day instead of from a constant.
/// </summary>
public static class Throughput
{
    /// <summary>Runs <paramref name="call"/> (scoring <paramref name="rowsPerCall"/> rows) from two callers for <paramref name="duration"/>.</summary>
    public static async Task<double> RowsPerSecondAsync(Func<Task> call, int rowsPerCall, TimeSpan duration)
    {
        await call();
        long calls = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                await call();
                Interlocked.Increment(ref calls);
            }
        }));
        return calls * rowsPerCall / clock.Elapsed.TotalSeconds;
    }

    /// <summary>How many requests of <paramref name="rowsPerRequest"/> rows keep the model busy for <paramref name="busy"/> at <paramref name="rowsPerSecond"/>.</summary>
    public static int RequestsFor(TimeSpan busy, double rowsPerSecond, int rowsPerRequest, int min, int max) =>
        Math.Clamp((int)Math.Ceiling(busy.TotalSeconds * rowsPerSecond / rowsPerRequest), min, max);
}
