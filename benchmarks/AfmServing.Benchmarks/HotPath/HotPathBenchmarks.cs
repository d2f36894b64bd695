using BenchmarkDotNet.Attributes;

namespace AfmServing.Benchmarks.HotPath;

// dotnet run -c Release --project benchmarks/AfmServing.Benchmarks -- --filter '*HotPath*'
// Allocations per operation are held to benchmarks/allocation-budget.json by tests (Core.Tests and Server.Tests
// Performance/AllocationBudgetTests), which run the same workloads.

/// <summary>gRPC ScoreRequest → ScoreQuery (ScorerService.ToQuery): proto maps to FeatureValue dictionaries.</summary>
[MemoryDiagnoser]
public class RequestMappingBenchmarks
{
    private MappingWorkload _workload = null!;

    [Params(1, 100)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new MappingWorkload(Candidates);

    [Benchmark]
    public object Map() => _workload.Run();
}

/// <summary>Request values → table ids and x values (RequestEncoder over FieldEncoder), into reused buffers.</summary>
[MemoryDiagnoser]
public class FeatureEncodingBenchmarks
{
    private EncodeWorkload _workload = null!;

    [Params(1, 100)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new EncodeWorkload(Candidates);

    [Benchmark]
    public long Encode() => _workload.Run();
}

/// <summary>MicroBatcher with a no-cost model: 1 caller (idle path) or 64 one-row callers at once (one batch).</summary>
[MemoryDiagnoser]
public class BatchAssemblyBenchmarks
{
    private BatcherWorkload _workload = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new BatcherWorkload(Callers);

    [GlobalCleanup]
    public void Cleanup() => _workload.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task<float> ScoreAll() => _workload.RunAsync();
}
