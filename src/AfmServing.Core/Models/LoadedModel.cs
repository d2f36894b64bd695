using AfmServing.Core.Batching;
using AfmServing.Core.Encoding;
using AfmServing.Core.Features;
using AfmServing.Core.Inference;
using AfmServing.Core.Manifest;

namespace AfmServing.Core.Models;

/// <summary>
/// One served model version: manifest, encoders, session, batcher and its embedded features. Callers lease it
/// for the length of a request; once retired it is disposed when the last lease ends, so a swap never
/// disposes a session under a running request.
/// </summary>
public sealed class LoadedModel
{
    private readonly IRowScorer _scorer;
    private readonly IDisposable? _scorerOwner;
    private int _leases = 1; // the registry's own reference
    private int _retired;

    public LoadedModel(string directory, ModelManifest manifest, IRowScorer scorer, MicroBatcher batcher, IFeatureStore? embeddedStore)
    {
        Directory = directory;
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        Encoder = new RowEncoder(manifest);
        _scorer = scorer;
        _scorerOwner = scorer as IDisposable;
        Batcher = batcher;
        EmbeddedStore = embeddedStore;
        var user = new List<int>();
        var item = new List<int>();
        for (int i = 0; i < manifest.Fields.Count; i++)
        {
            if (manifest.Fields[i].Source == FieldSources.User) user.Add(i);
            else if (manifest.Fields[i].Source == FieldSources.Item) item.Add(i);
        }
        UserColumns = [.. user];
        ItemColumns = [.. item];
        UserFields = [.. user.Select(i => manifest.Fields[i].Name)];
        ItemFields = [.. item.Select(i => manifest.Fields[i].Name)];
    }

    public string Directory { get; }
    public ModelManifest Manifest { get; }
    public string Name => Manifest.Name;
    public string Version => Manifest.Version;
    public RowEncoder Encoder { get; }
    public MicroBatcher Batcher { get; }
    public IRowScorer Scorer => _scorer;

    /// <summary>Entity features shipped with the model, for the embedded store; null when it ships none.</summary>
    public IFeatureStore? EmbeddedStore { get; }

    /// <summary>Fields sourced from the user entity, in column order.</summary>
    public string[] UserFields { get; }

    /// <summary>Fields sourced from the item entity, in column order.</summary>
    public string[] ItemFields { get; }

    /// <summary>Columns of <see cref="UserFields"/>.</summary>
    public int[] UserColumns { get; }

    /// <summary>Columns of <see cref="ItemFields"/>.</summary>
    public int[] ItemColumns { get; }

    /// <summary>Takes a lease; false when the model was retired and fully released.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            int n = Volatile.Read(ref _leases);
            if (n == 0)
                return false;
            if (Interlocked.CompareExchange(ref _leases, n + 1, n) == n)
                return true;
        }
    }

    public ValueTask ReleaseAsync() => Interlocked.Decrement(ref _leases) == 0 ? DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Drops the registry's reference; disposal follows the last lease.</summary>
    public ValueTask RetireAsync() => Interlocked.Exchange(ref _retired, 1) == 0 ? ReleaseAsync() : ValueTask.CompletedTask;

    private async ValueTask DisposeAsync()
    {
        await Batcher.DisposeAsync().ConfigureAwait(false);
        _scorerOwner?.Dispose();
    }
}
