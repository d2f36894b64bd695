using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AfmServing.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace AfmServing.Core.Models;

/// <summary>
/// The served models: the highest version directory of each model under the root. <see cref="RefreshAsync"/>
/// loads new versions, warms them and swaps them in atomically; a version that fails to load is logged and
/// skipped while the previous one keeps serving.
/// </summary>
public sealed partial class ModelRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LoadedModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _rejected = new(StringComparer.Ordinal);
    private readonly ModelLoader _loader;
    private readonly ILogger _logger;
    private readonly ScoringMetrics _metrics;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);

    public ModelRegistry(string root, string defaultModel, ModelLoader loader, ScoringMetrics metrics, ILogger<ModelRegistry> logger)
    {
        Root = root;
        DefaultModel = defaultModel;
        _loader = loader;
        _metrics = metrics;
        _logger = logger;
        metrics.SetModelVersions(ObserveVersions);
    }

    public string Root { get; }

    public string DefaultModel { get; }

    /// <summary>True once the first refresh loaded the default model.</summary>
    public bool IsReady { get; private set; }

    public IReadOnlyCollection<string> Names => [.. _models.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Leases the current version of <paramref name="name"/> (the default when empty). Release it with <see cref="LoadedModel.ReleaseAsync"/>.</summary>
    public bool TryAcquire(string? name, out LoadedModel model)
    {
        string key = string.IsNullOrEmpty(name) ? DefaultModel : name;
        // A swap may retire the version between the read and the lease: read again.
        for (int attempt = 0; attempt < 8; attempt++)
        {
            if (!_models.TryGetValue(key, out var current))
                break;
            if (current.TryAcquire())
            {
                model = current;
                return true;
            }
        }
        model = null!;
        return false;
    }

    /// <summary>Current version of each served model.</summary>
    public IReadOnlyDictionary<string, string> Versions => _models.ToDictionary(kv => kv.Key, kv => kv.Value.Version, StringComparer.Ordinal);

    /// <summary>Scans the root and loads every model whose highest version is not the one served.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(Root))
                throw new DirectoryNotFoundException($"Models:Root '{Root}' does not exist");
            foreach (var modelDir in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(modelDir);
                string? version = HighestVersion(modelDir);
                if (version is null)
                    continue;
                if (_models.TryGetValue(name, out var served) && served.Version == version)
                    continue;
                string versionDir = Path.Combine(modelDir, version);
                if (_rejected.TryGetValue(name, out var rejectedVersion) && rejectedVersion == version)
                    continue;
                await LoadAndSwapAsync(name, version, versionDir).ConfigureAwait(false);
            }
            if (_models.ContainsKey(DefaultModel))
                IsReady = true;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var model in _models.Values)
            await model.RetireAsync().ConfigureAwait(false);
        _models.Clear();
        _refreshGate.Dispose();
    }

    /// <summary>The version directory that sorts highest: numerically when both names are integers, else ordinally.</summary>
    public static string? HighestVersion(string modelDir)
    {
        string? best = null;
        foreach (var dir in Directory.EnumerateDirectories(modelDir))
        {
            string v = Path.GetFileName(dir);
            // A version counts once both files exist: exporters write each beside and rename, so both are then whole.
            if (!File.Exists(Path.Combine(dir, "model.onnx")) || !File.Exists(Path.Combine(dir, "manifest.json")))
                continue;
            if (best is null || CompareVersions(v, best) > 0)
                best = v;
        }
        return best;
    }

    public static int CompareVersions(string a, string b)
    {
        if (long.TryParse(a, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long x)
            && long.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long y))
            return x.CompareTo(y);
        return string.CompareOrdinal(a, b);
    }

    private async Task LoadAndSwapAsync(string name, string version, string dir)
    {
        LoadedModel loaded;
        try
        {
            loaded = await _loader.LoadAsync(dir, name, version).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            _rejected[name] = version;
            _metrics.ModelLoads.Add(1, new("model", name), new("outcome", "rejected"));
            LogRejected(_logger, name, version, e.Message);
            return;
        }
        _rejected.TryRemove(name, out _);
        LoadedModel? previous = null;
        _models.AddOrUpdate(name, loaded, (_, old) =>
        {
            previous = old;
            return loaded;
        });
        _metrics.ModelLoads.Add(1, new("model", name), new("outcome", "loaded"));
        LogLoaded(_logger, name, version, previous?.Version ?? "(none)");
        if (previous is not null)
            await previous.RetireAsync().ConfigureAwait(false);
    }

    private IEnumerable<Measurement<long>> ObserveVersions()
    {
        foreach (var (name, model) in _models)
            yield return new Measurement<long>(1, new("model", name), new("version", model.Version));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Model {Model} version {Version} loaded, warmed and serving (previous {Previous})")]
    private static partial void LogLoaded(ILogger logger, string model, string version, string previous);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Model {Model} version {Version} rejected; the previous version keeps serving: {Reason}")]
    private static partial void LogRejected(ILogger logger, string model, string version, string reason);
}
