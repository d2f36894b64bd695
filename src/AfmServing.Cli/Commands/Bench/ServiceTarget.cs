using System.Globalization;
using AfmServing.Cli.Commands.Bench.Load;
using AfmServing.Cli.Commands.Bench.Report;
using AfmServing.Cli.Commands.Bench.Server;
using AfmServing.Cli.Commands.Bench.Workload;
using AfmServing.Cli.Terminal;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>
/// One service configuration ready to be measured: its server started (when the settings name one, kept up
/// until disposed), the request pool built from the data file, one request checked to work. Each measurement
/// runs a plan and reads the server's batching figures from /metrics over its window.
/// </summary>
public sealed class ServiceTarget : IBenchTarget
{
    private readonly TextWriter _log;
    private readonly ServerProcess? _server;
    private readonly IScoreClient _client;
    private readonly HttpClient _http;
    private readonly ServerMetricsReader _metrics;

    private ServiceTarget(LoadSettings settings, TextWriter log, ServerProcess? server, IScoreClient client, Uri httpUrl)
    {
        Settings = settings;
        _log = log;
        _server = server;
        _client = client;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _metrics = new ServerMetricsReader(_http, new Uri(httpUrl, "/metrics"));
    }

    public LoadSettings Settings { get; }

    public string Label => Settings.Label;

    /// <summary>Starts the server (when configured) and checks one request; throws <see cref="BenchFailedException"/> when the service cannot be measured.</summary>
    public static async Task<ServiceTarget> OpenAsync(LoadSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var workload = FrappeWorkload.Load(settings.DataFile, settings.Candidates, settings.Features, model: settings.Model);
        ServerProcess? server = null;
        if (settings.Server is not null)
        {
            await log.WriteLineAsync($"[{settings.Label}] starting {settings.Server} {Describe(settings.ServerSettings)}").ConfigureAwait(false);
            server = await ServerProcess.StartAsync(settings.Server, settings.ModelsRoot, string.IsNullOrEmpty(settings.Model) ? null : settings.Model,
                settings.ServerSettings, settings.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        }
        IScoreClient? client = null;
        try
        {
            var grpcUrl = server?.GrpcUrl ?? settings.GrpcUrl;
            var httpUrl = server?.HttpUrl ?? settings.HttpUrl;
            client = CreateClient(settings, workload, grpcUrl, httpUrl);
            string? problem = await client.ProbeAsync(cancellationToken).ConfigureAwait(false);
            if (problem is not null)
                throw new BenchFailedException($"[{settings.Label}] the first request failed, so the bench cannot measure anything: {problem}");
            return new ServiceTarget(settings, log, server, client, httpUrl);
        }
        catch
        {
            if (client is not null)
                await client.DisposeAsync().ConfigureAwait(false);
            if (server is not null)
                await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Load for <paramref name="duration"/> without recording (JIT tiering, connection pools, thread pool growth).</summary>
    public async Task PrimeAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (duration <= TimeSpan.Zero)
            return;
        await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{Label}] priming for {duration.TotalSeconds:0.#} s")).ConfigureAwait(false);
        await LoadRunner.RunAsync(_client, Settings.Plan with { Warmup = TimeSpan.Zero, Duration = duration }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public Task<Measurement> MeasureAsync(CancellationToken cancellationToken) => MeasureAsync(Settings.Plan, cancellationToken);

    public async Task<Measurement> MeasureAsync(LoadPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ServerMetricsSnapshot? before = null;
        CpuSample? cpuBefore = null;
        LatencyRecorder? live = null;
        long liveStart = 0, liveStop = 0;
        var progress = new ProgressLine(_log, ProgressLine.IsTerminal(_log));
        using var ticker = new CancellationTokenSource();
        var tick = Task.Run(async () =>
        {
            try
            {
                while (!ticker.IsCancellationRequested)
                {
                    await Task.Delay(500, ticker.Token).ConfigureAwait(false);
                    if (live is not null)
                        progress.Update(Progress(Label, live, liveStart, liveStop, plan));
                }
            }
            catch (OperationCanceledException)
            {
                // Finished.
            }
        }, CancellationToken.None);

        var outcome = await LoadRunner.RunAsync(
            _client,
            plan,
            windowStarted: async () =>
            {
                cpuBefore = CpuSample.Take(_server?.Process);
                before = await _metrics.ReadAsync(cancellationToken).ConfigureAwait(false);
            },
            live: (r, s, e) => (live, liveStart, liveStop) = (r, s, e),
            cancellationToken).ConfigureAwait(false);
        var cpu = cpuBefore is null ? null : CpuSample.Take(_server?.Process).Since(cpuBefore);
        var after = await _metrics.ReadAsync(cancellationToken).ConfigureAwait(false);
        await ticker.CancelAsync().ConfigureAwait(false);
        await tick.ConfigureAwait(false);

        var recorder = outcome.Recorder;
        var measurement = new Measurement
        {
            Latency = recorder.Histogram,
            Successes = recorder.Successes,
            Degraded = recorder.Degraded,
            Errors = recorder.Errors,
            WindowSeconds = outcome.WindowSeconds,
            RowsPerSuccess = Settings.Candidates,
            Lag = outcome.DispatchLag,
            Server = before is not null && after is not null ? after.Since(before) : null,
            Cpu = cpu,
        };
        progress.Update(Summary(Label, measurement), final: true);
        return measurement;
    }

    public BenchResult Describe(Measurement measurement, int repeats) => Describe(Settings.Plan, measurement, repeats);

    public BenchResult Describe(LoadPlan plan, Measurement measurement, int repeats)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(measurement);
        double window = measurement.WindowSeconds;
        return new BenchResult
        {
            Label = Label,
            Kind = "service",
            Protocol = Settings.Protocol,
            Mode = plan.Mode == LoadMode.Closed ? "closed" : "open",
            Concurrency = plan.Mode == LoadMode.Closed ? plan.Concurrency : null,
            TargetRate = plan.Mode == LoadMode.Open ? plan.Rate : null,
            Candidates = Settings.Candidates,
            Features = Settings.Features == FeatureSource.Ids ? "ids" : "request",
            Repeats = repeats,
            WarmupSeconds = plan.Warmup.TotalSeconds,
            WindowSeconds = Math.Round(window, 3),
            Requests = measurement.Successes + measurement.ErrorCount,
            Successes = measurement.Successes,
            Degraded = measurement.Degraded,
            RequestsPerSecond = Math.Round(measurement.SuccessesPerSecond, 1),
            CandidatesPerSecond = Math.Round(measurement.SuccessesPerSecond * Settings.Candidates, 1),
            Latency = LatencySummary.FromMicros(measurement.Latency),
            Errors = new SortedDictionary<string, long>(measurement.Errors.ToDictionary(), StringComparer.Ordinal),
            Server = measurement.Server,
            Cpu = measurement.Cpu,
            DispatchLag = LatencySummary.FromMicros(measurement.Lag),
            ServerSettings = Settings.Server is null ? null : new SortedDictionary<string, string>(Settings.ServerSettings, StringComparer.Ordinal),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
    }

    private static IScoreClient CreateClient(LoadSettings settings, FrappeWorkload workload, Uri grpcUrl, Uri httpUrl)
    {
        if (settings.Protocol == "grpc")
            return new GrpcScoreClient(grpcUrl, workload.Requests, settings.Connections, settings.Deadline);
        var candidates = new int[workload.Requests.Count];
        for (int i = 0; i < candidates.Length; i++)
            candidates[i] = workload.Requests[i].Candidates.Count;
        return new RestScoreClient(httpUrl, workload.JsonBodies(), candidates, settings.Deadline);
    }

    private static string Progress(string label, LatencyRecorder recorder, long windowStart, long stop, LoadPlan plan)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (now < windowStart)
            return string.Create(CultureInfo.InvariantCulture, $"[{label}] {plan.Describe()}: warming up, {System.Diagnostics.Stopwatch.GetElapsedTime(now, windowStart).TotalSeconds:0.0} s left");
        double elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(windowStart, Math.Min(now, stop)).TotalSeconds;
        double total = System.Diagnostics.Stopwatch.GetElapsedTime(windowStart, stop).TotalSeconds;
        double rate = elapsed > 0 ? recorder.Successes / elapsed : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{label}] {plan.Describe()}: {ProgressLine.Bar(total > 0 ? elapsed / total : 1)} {elapsed:0.0}/{total:0} s  {recorder.Successes:N0} ok  {rate:N0} req/s  {recorder.ErrorCount:N0} errors  ETA {ProgressLine.Duration(TimeSpan.FromSeconds(Math.Max(0, total - elapsed)))}");
    }

    private static string Summary(string label, Measurement m) => string.Create(CultureInfo.InvariantCulture,
        $"[{label}] done: {m.SuccessesPerSecond:N0} req/s, p50 {Percentile(m, 50)} ms, p99 {Percentile(m, 99)} ms, {m.ErrorCount:N0} errors, mean rows/run {(m.Server?.MeanRowsPerRun is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "–")}");

    // HdrHistogram throws for a percentile of an empty histogram (a window in which nothing answered).
    private static string Percentile(Measurement m, double percentile) =>
        m.Latency.TotalCount == 0 ? "–" : (m.Latency.GetValueAtPercentile(percentile) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Describe(SortedDictionary<string, string> settings) =>
        settings.Count == 0 ? "(its own defaults)" : string.Join(' ', settings.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>Something a bench measures repeatedly: a service configuration or in-process ONNX Runtime.</summary>
public interface IBenchTarget : IAsyncDisposable
{
    string Label { get; }

    Task PrimeAsync(TimeSpan duration, CancellationToken cancellationToken);

    Task<Measurement> MeasureAsync(CancellationToken cancellationToken);

    BenchResult Describe(Measurement measurement, int repeats);
}

/// <summary>A bench that cannot produce a meaningful result (the reason is for the user).</summary>
public sealed class BenchFailedException : Exception
{
    public BenchFailedException()
    {
    }

    public BenchFailedException(string message)
        : base(message)
    {
    }

    public BenchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
