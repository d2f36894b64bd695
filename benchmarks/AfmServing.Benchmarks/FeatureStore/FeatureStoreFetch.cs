using System.Diagnostics;
using System.Globalization;
using AfmServing.Core.Features;
using AfmServing.Core.Features.Conversion;
using AfmServing.Core.Features.Loading;
using AfmServing.Core.Features.Redis;
using StackExchange.Redis;

namespace AfmServing.Benchmarks.FeatureStore;

/// <summary>
/// Latency of one feature lookup (1 user + N candidate items, MovieLens-100K attributes) against a running
/// redis-server, as a plain Stopwatch loop: BenchmarkDotNet reports means, while the store's budget is about the
/// tail, so this prints p50/p90/p99/p99.9/max over every call. Loads the data first under the prefix <c>bench:</c>.
/// <code>
/// dotnet run -c Release --project benchmarks/AfmServing.Benchmarks -- feature-store-fetch \
///   --redis 127.0.0.1:6379 --ml-dir ../shared/data/movielens-100k [--items 100] [--iterations 20000] [--cache]
/// </code>
/// </summary>
public static class FeatureStoreFetch
{
    private static readonly string[] UserFields = ["user", "age", "gender", "occupation", "zip3"];
    private static readonly string[] ItemFields = ["item", "year", "genres"];

    public static async Task<int> RunAsync(string[] args)
    {
        string redis = Arg(args, "--redis") ?? "localhost:6379";
        string mlDir = Arg(args, "--ml-dir") ?? throw new ArgumentException("--ml-dir <MovieLens-100K folder> is required");
        int items = int.Parse(Arg(args, "--items") ?? "100", CultureInfo.InvariantCulture);
        int iterations = int.Parse(Arg(args, "--iterations") ?? "20000", CultureInfo.InvariantCulture);
        bool cache = args.Contains("--cache");
        const string Prefix = "bench:";

        string dir = Directory.CreateTempSubdirectory("afm-bench-").FullName;
        var files = MovieLensEntityExport.Export(mlDir, dir);
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            var loader = new FeatureLoader(admin);
            await loader.LoadAsync(new FeatureLoadRequest { Path = files.UsersFile, Entity = "user", KeyPrefix = Prefix });
            await loader.LoadAsync(new FeatureLoadRequest { Path = files.ItemsFile, Entity = "item", KeyPrefix = Prefix });
        }
        var memory = InMemoryFeatureStoreFactory.LoadFiles(new Dictionary<string, string> { ["user"] = files.UsersFile, ["item"] = files.ItemsFile });
        Directory.Delete(dir, recursive: true);

        // Pre-built lookups so the loop measures the store only.
        var random = new Random(42);
        var lookups = new FeatureLookup[1024];
        for (int i = 0; i < lookups.Length; i++)
        {
            var ids = new string?[items];
            for (int j = 0; j < items; j++)
                ids[j] = random.Next(1, files.Items + 1).ToString(CultureInfo.InvariantCulture);
            lookups[i] = new FeatureLookup(random.Next(1, files.Users + 1).ToString(CultureInfo.InvariantCulture), ids, UserFields, ItemFields);
        }

        var options = new FeatureStoreOptions
        {
            Redis = redis,
            KeyPrefix = Prefix,
            TimeoutMilliseconds = 1000, // measure the fetch itself, not the budget
            CacheEnabled = cache,
            CacheTtlMilliseconds = 1000,
        };
        await using var store = await RedisFeatureStore.ConnectAsync(options);
        Console.WriteLine($"lookup = 1 user ({UserFields.Length} fields) + {items} items ({ItemFields.Length} fields); {iterations} calls after {iterations / 10} warm-up; cache {(cache ? "on" : "off")}; {Environment.ProcessorCount} cores");
        await MeasureAsync("redis", store, lookups, iterations);
        await MeasureAsync("memory", memory, lookups, iterations);
        return 0;
    }

    private static async Task MeasureAsync(string name, IFeatureStore store, FeatureLookup[] lookups, int iterations)
    {
        for (int i = 0; i < iterations / 10; i++)
            await store.GetAsync(lookups[i % lookups.Length], CancellationToken.None);
        var samples = new double[iterations];
        int degraded = 0;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var result = await store.GetAsync(lookups[i % lookups.Length], CancellationToken.None);
            samples[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            if (result.Degraded)
                degraded++;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Array.Sort(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-7} p50 {P(samples, 0.50),8:F0} us  p90 {P(samples, 0.90),8:F0} us  p99 {P(samples, 0.99),8:F0} us  p99.9 {P(samples, 0.999),8:F0} us  max {samples[^1],8:F0} us  mean {samples.Average(),8:F0} us  {iterations / seconds,8:F0} lookups/s  degraded {degraded}"));
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
