namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>
/// Tests whose assertions involve time under load (overload, queued deadlines, shutdown) run on their own, after
/// the parallel ones, so that the other test classes of this process do not take their CPU mid-measurement.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    public const string Name = "timing-sensitive";
}
