namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>
/// Send times of an open-loop load: a Poisson process of the given rate, i.e. independent exponential gaps
/// with mean 1/rate. Seeded, so two runs (and the two sides of a comparison) offer the same arrivals.
/// </summary>
public sealed class PoissonSchedule
{
    private readonly Random _random;
    private readonly double _rate;
    private double _seconds;

    public PoissonSchedule(double ratePerSecond, int seed)
    {
        if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond))
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "must be a positive finite rate");
        _rate = ratePerSecond;
        _random = new Random(seed);
    }

    /// <summary>Seconds from the start to the next arrival; strictly increasing.</summary>
    public double NextSeconds()
    {
        // 1 - U lies in (0, 1], so the log is finite.
        _seconds += -Math.Log(1 - _random.NextDouble()) / _rate;
        return _seconds;
    }
}
