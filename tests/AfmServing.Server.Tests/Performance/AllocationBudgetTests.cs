using AfmServing.Benchmarks.HotPath;
using AfmServing.TestSupport;
using Xunit.Abstractions;

namespace AfmServing.Server.Tests.Performance;

/// <summary>Holds request mapping (gRPC ScoreRequest → ScoreQuery) to benchmarks/allocation-budget.json.</summary>
public sealed class AllocationBudgetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void RequestMapping_FrappeRequest_StaysWithinItsAllocationBudget(int candidates)
    {
        var workload = new MappingWorkload(candidates);

        double bytes = AllocationMeter.PerOperation(() => GC.KeepAlive(workload.Run()), iterations: 2000);

        string name = $"request-mapping/{candidates}-candidates";
        long budget = AllocationBudget.For(name);
        output.WriteLine($"{name}: {bytes:F1} bytes/op (budget {budget})");
        Assert.True(bytes <= budget, $"{name} allocates {bytes:F1} bytes per operation, over its budget of {budget} in {AllocationBudget.FilePath}");
    }
}
