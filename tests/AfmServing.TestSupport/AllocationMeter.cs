using System.Text.Json;

namespace AfmServing.TestSupport;

/// <summary>
/// Bytes allocated per operation, counted by the GC rather than timed, so the figure is deterministic enough for a
/// test: the operation runs a warm-up first (JIT, pools, lazy statics), then many times between two readings.
/// </summary>
public static class AllocationMeter
{
    /// <summary>For synchronous work on this thread: GC.GetAllocatedBytesForCurrentThread, unaffected by other threads.</summary>
    public static double PerOperation(Action operation, int iterations = 1000, int warmup = 200)
    {
        ArgumentNullException.ThrowIfNull(operation);
        for (int i = 0; i < warmup; i++)
            operation();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
            operation();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)iterations;
    }

    /// <summary>
    /// For work that hops threads (a batcher's collector and model runs): GC.GetTotalAllocatedBytes over the whole
    /// process. Run it in a test collection with parallelisation off, or other tests' allocations count too.
    /// </summary>
    public static async Task<double> PerOperationAllThreadsAsync(Func<Task> operation, int iterations = 500, int warmup = 100)
    {
        ArgumentNullException.ThrowIfNull(operation);
        for (int i = 0; i < warmup; i++)
            await operation();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < iterations; i++)
            await operation();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)iterations;
    }
}

/// <summary>
/// benchmarks/allocation-budget.json: the most bytes per operation each hot-path workload may allocate. The
/// BenchmarkDotNet benchmarks (benchmarks/AfmServing.Benchmarks/HotPath) report the same workloads with
/// [MemoryDiagnoser]; raise a budget only with a reason written beside it.
/// </summary>
public static class AllocationBudget
{
    private static readonly Lazy<Dictionary<string, long>> Budgets = new(Load);

    public static string FilePath => RepoPaths.Path("benchmarks", "allocation-budget.json");

    public static long For(string workload) =>
        Budgets.Value.TryGetValue(workload, out long bytes)
            ? bytes
            : throw new KeyNotFoundException($"{FilePath} has no budget for '{workload}'");

    private static Dictionary<string, long> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FilePath));
        var budgets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in doc.RootElement.GetProperty("budgets").EnumerateObject())
            budgets[entry.Name] = entry.Value.GetProperty("maxBytesPerOperation").GetInt64();
        return budgets;
    }
}
