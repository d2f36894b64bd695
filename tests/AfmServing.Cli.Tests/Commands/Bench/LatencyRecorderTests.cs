using System.Diagnostics;
using AfmServing.Cli.Commands.Bench.Load;
using HdrHistogram;

namespace AfmServing.Cli.Tests.Commands.Bench;

public sealed class LatencyRecorderTests
{
    [Fact]
    public void Record_Outcomes_SuccessesKeepLatencyErrorsCountByStatus()
    {
        var recorder = new LatencyRecorder();
        long ms = Stopwatch.Frequency / 1000;

        recorder.Record(LatencyRecorder.Ok, 2 * ms);
        recorder.Record(LatencyRecorder.OkDegraded, 4 * ms);
        recorder.Record("ResourceExhausted", 1 * ms);
        recorder.Record("ResourceExhausted", 1 * ms);
        recorder.Record("HTTP 503", 1 * ms);

        Assert.Equal(2, recorder.Successes);
        Assert.Equal(1, recorder.Degraded);
        Assert.Equal(3, recorder.ErrorCount);
        Assert.Equal(2, recorder.Errors["ResourceExhausted"]);
        Assert.Equal(2, recorder.Histogram.TotalCount);
        Assert.InRange(recorder.Histogram.GetMaxValue(), 3990, 4010);
    }
}
