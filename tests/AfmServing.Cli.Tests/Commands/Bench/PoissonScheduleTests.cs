using AfmServing.Cli.Commands.Bench.Load;

namespace AfmServing.Cli.Tests.Commands.Bench;

public sealed class PoissonScheduleTests
{
    [Fact]
    public void NextSeconds_ManyArrivals_GapsAreExponentialWithMeanOneOverRate()
    {
        const double Rate = 2000;
        var schedule = new PoissonSchedule(Rate, seed: 7);
        const int N = 200_000;
        double previous = 0, sum = 0, sumSquares = 0;
        int longerThanMean = 0;
        for (int i = 0; i < N; i++)
        {
            double t = schedule.NextSeconds();
            double gap = t - previous;
            Assert.True(gap > 0, "arrival times must strictly increase");
            previous = t;
            sum += gap;
            sumSquares += gap * gap;
            if (gap > 1 / Rate)
                longerThanMean++;
        }
        double mean = sum / N;
        double std = Math.Sqrt(sumSquares / N - mean * mean);

        Assert.InRange(mean * Rate, 0.99, 1.01);
        // Exponential: standard deviation equals the mean, and P(gap > mean) = e^-1.
        Assert.InRange(std / mean, 0.97, 1.03);
        Assert.InRange(longerThanMean / (double)N, Math.Exp(-1) - 0.01, Math.Exp(-1) + 0.01);
    }

    [Fact]
    public void NextSeconds_CountsPerWindow_HaveVarianceEqualToTheirMean()
    {
        // A Poisson process puts Poisson-distributed counts in equal windows: variance ≈ mean (a fixed-interval
        // schedule would have variance 0, which is what an open-loop bench must not do).
        const double Rate = 1000, Window = 0.05;
        var schedule = new PoissonSchedule(Rate, seed: 3);
        var counts = new int[2000];
        double t;
        while ((t = schedule.NextSeconds()) < counts.Length * Window)
            counts[(int)(t / Window)]++;
        double mean = counts.Average();
        double variance = counts.Select(c => (c - mean) * (c - mean)).Average();

        Assert.InRange(mean, Rate * Window * 0.97, Rate * Window * 1.03);
        Assert.InRange(variance / mean, 0.9, 1.1);
    }

    [Fact]
    public void NextSeconds_SameSeed_SameArrivals()
    {
        var a = new PoissonSchedule(500, seed: 11);
        var b = new PoissonSchedule(500, seed: 11);
        var c = new PoissonSchedule(500, seed: 12);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextSeconds()).ToArray();

        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => b.NextSeconds()).ToArray());
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => c.NextSeconds()).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_RateNotPositiveAndFinite_Throws(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonSchedule(rate, 1));
    }
}
