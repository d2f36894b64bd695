using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using AfmServing.Api.V1;
using AfmServing.IntegrationTests.Reliability.Overload;
using AfmServing.IntegrationTests.Reliability.Support;
using AfmServing.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace AfmServing.IntegrationTests.Reliability.Soak;

/// <summary>
/// Mixed load on the real server process for AFM_SOAK_MINUTES (default 10): gRPC and REST, 1 and 100 candidates,
/// and bad requests, paced at AFM_SOAK_RATE requests per second (default 200) so the machine stays usable.
/// Resident memory (VmRSS) is sampled every 10 s. Writes a report to AFM_SOAK_REPORT (default a temp file).
/// </summary>
[Trait("Category", "Soak")]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Callers = 8;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    private readonly string _root = TestModels.TempRoot();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SoakFact]
    public async Task Soak_MixedLoad_NoErrorsAndResidentMemoryFlat()
    {
        var duration = TimeSpan.FromMinutes(double.Parse(Environment.GetEnvironmentVariable("AFM_SOAK_MINUTES") ?? "10", CultureInfo.InvariantCulture));
        double rate = double.Parse(Environment.GetEnvironmentVariable("AFM_SOAK_RATE") ?? "200", CultureInfo.InvariantCulture);
        string reportPath = Environment.GetEnvironmentVariable("AFM_SOAK_REPORT") ?? Path.Combine(Path.GetTempPath(), $"afm-soak-{DateTime.UtcNow:yyyyMMddTHHmmss}.md");
        TestModels.Write(_root);
        await using var server = await ServerProcess.StartAsync(_root, "test-afm");
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var grpc = new Scorer.ScorerClient(channel);
        using var rest = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(10) };
        var tally = new Tally();
        var samples = new List<(TimeSpan At, long Rss, long Requests)>();
        var clock = Stopwatch.StartNew();
        samples.Add((clock.Elapsed, server.ResidentBytes(), 0));

        using var stop = new CancellationTokenSource(duration);
        var callers = Enumerable.Range(0, Callers).Select(i => CallerAsync(i, grpc, rest, rate / Callers, tally, stop.Token)).ToArray();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SampleEvery, stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            samples.Add((clock.Elapsed, server.ResidentBytes(), tally.Total));
            output.WriteLine($"{clock.Elapsed:mm\\:ss} rss {samples[^1].Rss >> 20} MiB, {tally.Total} requests, {tally.Unexpected} unexpected");
        }
        await Task.WhenAll(callers);
        samples.Add((clock.Elapsed, server.ResidentBytes(), tally.Total));

        var settled = samples.First(s => s.At >= Settle);
        var end = samples[^1];
        double growth = (end.Rss - settled.Rss) / (double)settled.Rss;
        string report = Report(duration, rate, samples, settled, end, growth, tally);
        File.WriteAllText(reportPath, report);
        output.WriteLine(report);
        output.WriteLine($"report written to {reportPath}");

        Assert.True(tally.Unexpected == 0, $"{tally.Unexpected} unexpected answers, e.g. {tally.FirstUnexpected}");
        Assert.True(growth < 0.05, $"resident memory grew {growth:P1} from {settled.Rss >> 20} MiB at {settled.At:mm\\:ss} to {end.Rss >> 20} MiB");
        server.Signal(ServerProcess.SigTerm);
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, server.ExitCode);
    }

    private static async Task CallerAsync(int seed, Scorer.ScorerClient grpc, HttpClient rest, double rate, Tally tally, CancellationToken stop)
    {
        var rng = new Random(seed);
        var one = OverloadTests.Request(1);
        var hundred = OverloadTests.Request(100);
        byte[] oneJson = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(one));
        byte[] hundredJson = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(hundred));
        var nan = OverloadTests.Request(1);
        nan.Context["price"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(double.NaN);
        byte[][] badJson = [.. new[] { """{"candidates":[{"itemId":"i1"}""", """{"context":{"colour":"red"},"candidates":[{"itemId":"i1"}]}""", """{"UserId":"u1","candidates":[{}]}""", """{"candidates":[]}""" }.Select(Encoding.UTF8.GetBytes)];
        var pace = Stopwatch.StartNew();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            int pick = rng.Next(100);
            var started = Stopwatch.GetTimestamp();
            string kind;
            string? unexpected;
            try
            {
                (kind, unexpected) = pick switch
                {
                    < 45 => ("grpc-1", await GrpcAsync(grpc, one, 1)),
                    < 65 => ("grpc-100", await GrpcAsync(grpc, hundred, 100)),
                    < 80 => ("rest-1", await RestAsync(rest, oneJson, 200)),
                    < 90 => ("rest-100", await RestAsync(rest, hundredJson, 200)),
                    < 95 => ("rest-bad", await RestAsync(rest, badJson[rng.Next(badJson.Length)], 400)),
                    _ => ("grpc-bad", await GrpcBadAsync(grpc, nan)),
                };
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or RpcException)
            {
                if (stop.IsCancellationRequested)
                    break;
                (kind, unexpected) = ("exception", $"{e.GetType().Name}: {e.Message}");
            }
            tally.Add(kind, Stopwatch.GetElapsedTime(started), unexpected);
            sent++;
            var due = TimeSpan.FromSeconds(sent / rate) - pace.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private static async Task<string?> GrpcAsync(Scorer.ScorerClient grpc, ScoreRequest request, int candidates)
    {
        var response = await grpc.ScoreAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        return response.Scores.Count == candidates && response.Scores.All(s => float.IsFinite(s.Probability) && s.Probability is >= 0 and <= 1)
            ? null : $"gRPC answer with {response.Scores.Count} scores";
    }

    private static async Task<string?> GrpcBadAsync(Scorer.ScorerClient grpc, ScoreRequest request)
    {
        try
        {
            await grpc.ScoreAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
            return "a NaN feature was scored";
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    private static async Task<string?> RestAsync(HttpClient rest, byte[] json, int expected)
    {
        using var content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var response = await rest.PostAsync("/v1/score", content);
        string body = await response.Content.ReadAsStringAsync();
        return (int)response.StatusCode == expected ? null : $"HTTP {(int)response.StatusCode} (expected {expected}): {body[..Math.Min(200, body.Length)]}";
    }

    private static string Report(TimeSpan duration, double rate, List<(TimeSpan At, long Rss, long Requests)> samples, (TimeSpan At, long Rss, long Requests) settled, (TimeSpan At, long Rss, long Requests) end, double growth, Tally tally)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Soak: {duration.TotalMinutes:F0} min at {rate:F0} req/s target, {Callers} callers; {tally.Total} requests, {tally.Unexpected} unexpected answers.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"VmRSS: {samples[0].Rss / 1048576.0:F1} MiB at start, {settled.Rss / 1048576.0:F1} MiB at {settled.At:mm\\:ss}, {end.Rss / 1048576.0:F1} MiB at the end ({end.At:mm\\:ss}); growth after {Settle.TotalMinutes:F0} min: {growth:P2}; max {samples.Max(s => s.Rss) / 1048576.0:F1} MiB.");
        sb.AppendLine();
        sb.AppendLine("| kind | requests | p50 ms | p99 ms | max ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (kind, n, p50, p99, max) in tally.Summary())
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {n} | {p50:F2} | {p99:F2} | {max:F1} |");
        sb.AppendLine();
        sb.AppendLine("| t (mm:ss) | VmRSS MiB | requests so far |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var s in samples.Where((_, i) => i % 6 == 0 || i == samples.Count - 1))
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {s.At:mm\\:ss} | {s.Rss / 1048576.0:F1} | {s.Requests} |");
        return sb.ToString();
    }

    /// <summary>Outcome counts and latencies by request kind, from every caller.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<string, List<double>> _latencies = [];
        private long _total;
        private long _unexpected;

        public long Total => Interlocked.Read(ref _total);
        public long Unexpected => Interlocked.Read(ref _unexpected);
        public string? FirstUnexpected { get; private set; }

        public void Add(string kind, TimeSpan latency, string? unexpected)
        {
            Interlocked.Increment(ref _total);
            lock (_latencies)
            {
                if (!_latencies.TryGetValue(kind, out var list))
                    _latencies[kind] = list = [];
                list.Add(latency.TotalMilliseconds);
                if (unexpected is not null)
                {
                    _unexpected++;
                    FirstUnexpected ??= $"{kind}: {unexpected}";
                }
            }
        }

        public IEnumerable<(string Kind, int N, double P50, double P99, double Max)> Summary()
        {
            lock (_latencies)
            {
                foreach (var (kind, list) in _latencies.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    var sorted = list.Order().ToArray();
                    yield return (kind, sorted.Length, sorted[(int)(0.5 * (sorted.Length - 1))], sorted[(int)(0.99 * (sorted.Length - 1))], sorted[^1]);
                }
            }
        }
    }
}
