namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>How load is offered.</summary>
public enum LoadMode
{
    /// <summary>N callers, each sending its next request when the previous one answered.</summary>
    Closed,

    /// <summary>Requests at a fixed mean rate with Poisson arrivals, whatever the server's speed.</summary>
    Open,
}

/// <summary>One load run: the mode and its parameters, the warm-up (not recorded) and the measured window.</summary>
public sealed record LoadPlan(LoadMode Mode, int Concurrency, double Rate, TimeSpan Warmup, TimeSpan Duration, int MaxInFlight = 10_000, int Seed = 1)
{
    public string Describe() => Mode == LoadMode.Closed
        ? $"closed loop, {Concurrency} callers"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"open loop, {Rate:0.#} req/s Poisson");
}
