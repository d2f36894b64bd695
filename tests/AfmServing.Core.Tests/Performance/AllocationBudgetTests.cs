using AfmServing.Benchmarks.HotPath;
using AfmServing.TestSupport;
using Xunit.Abstractions;

namespace AfmServing.Core.Tests.Performance;

/// <summary>Runs alone: the batcher figures count every thread's allocations.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation budget (core)";
}

/// <summary>
/// Holds the hot path's allocations per operation to benchmarks/allocation-budget.json, on the same workloads
/// the BenchmarkDotNet HotPath benchmarks run; an allocation regression fails here, not in a timing.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class AllocationBudgetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void FeatureEncoding_FrappeRequest_StaysWithinItsAllocationBudget(int candidates)
    {
        var workload = new EncodeWorkload(candidates);

        double bytes = AllocationMeter.PerOperation(() => workload.Run(), iterations: 2000);

        Check($"feature-encoding/{candidates}-candidates", bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task BatchAssembly_OneRowCallers_StayWithinTheirAllocationBudget(int callers)
    {
        await using var workload = new BatcherWorkload(callers);

        double bytes = await AllocationMeter.PerOperationAllThreadsAsync(workload.RunAsync, iterations: callers == 1 ? 2000 : 300);

        Check($"batch-assembly/{callers}-callers", bytes);
    }

    [Fact]
    public void Meter_KnownAllocation_IsCounted()
    {
        // The budgets can only fail if the meter sees allocations: 1,000 bytes of payload plus the array header.
        double bytes = AllocationMeter.PerOperation(() => GC.KeepAlive(new byte[1000]), iterations: 100);

        Assert.InRange(bytes, 1000, 1100);
    }

    private void Check(string workload, double bytes)
    {
        long budget = AllocationBudget.For(workload);
        output.WriteLine($"{workload}: {bytes:F1} bytes/op (budget {budget})");
        Assert.True(bytes <= budget, $"{workload} allocates {bytes:F1} bytes per operation, over its budget of {budget} in {AllocationBudget.FilePath}");
    }
}
