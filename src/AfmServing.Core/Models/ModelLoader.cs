using AfmServing.Core.Batching;
using AfmServing.Core.Features;
using AfmServing.Core.Inference;
using AfmServing.Core.Manifest;
using AfmServing.Core.Telemetry;

namespace AfmServing.Core.Models;

/// <summary>Builds a <see cref="LoadedModel"/> from a version directory: validates, opens, warms.</summary>
public sealed class ModelLoader
{
    private readonly SessionOptionsFactory _sessions;
    private readonly BatchingOptions _batching;
    private readonly InferenceOptions _inference;
    private readonly TimeProvider _time;
    private readonly ScoringMetrics _metrics;
    private readonly Func<string, ModelManifest, IFeatureStore?> _embeddedStore;

    public ModelLoader(
        SessionOptionsFactory sessions,
        BatchingOptions batching,
        InferenceOptions inference,
        TimeProvider time,
        ScoringMetrics metrics,
        Func<string, ModelManifest, IFeatureStore?> embeddedStore)
    {
        _sessions = sessions;
        _batching = batching;
        _inference = inference;
        _time = time;
        _metrics = metrics;
        _embeddedStore = embeddedStore;
    }

    /// <summary>
    /// Loads <paramref name="directory"/> (holding model.onnx and manifest.json). Throws
    /// <see cref="InvalidDataException"/> naming the file and the reason when the model breaks the contract.
    /// </summary>
    public async Task<LoadedModel> LoadAsync(string directory, string expectedName, string expectedVersion)
    {
        string manifestPath = Path.Combine(directory, "manifest.json");
        string modelPath = Path.Combine(directory, "model.onnx");
        if (!File.Exists(manifestPath))
            throw new InvalidDataException($"{manifestPath}: missing");
        if (!File.Exists(modelPath))
            throw new InvalidDataException($"{modelPath}: missing");
        ModelManifest manifest;
        try
        {
            manifest = ManifestJson.Read(manifestPath);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{manifestPath}: invalid JSON: {e.Message}", e);
        }
        // The directory is the source of truth for name and version.
        manifest.Name = expectedName;
        manifest.Version = expectedVersion;

        var scorer = OnnxRowScorer.Open(modelPath, manifest, _sessions);
        _metrics.SetProvider(scorer.Provider);
        try
        {
            Warm(scorer, manifest);
            var store = _embeddedStore(directory, manifest);
            var batcher = new MicroBatcher(scorer, _batching, _time, _metrics, expectedName);
            return await Task.FromResult(new LoadedModel(directory, manifest, scorer, batcher, store)).ConfigureAwait(false);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    /// <summary>Runs every warm-up batch size once so the first real request pays no allocation or planning cost.</summary>
    private void Warm(OnnxRowScorer scorer, ModelManifest manifest)
    {
        int f = scorer.FieldCount, p = scorer.PairCount;
        foreach (int size in _inference.WarmupBatchSizes.Append(_batching.MaxBatchRows).Distinct())
        {
            if (size < 1) continue;
            var ids = new long[size * f];
            var values = new float[size * f];
            for (int r = 0; r < size; r++)
                for (int j = 0; j < f; j++)
                {
                    ids[r * f + j] = manifest.Fields[j].Offset;
                    values[r * f + j] = 1f;
                }
            var probs = new float[size];
            var att = new float[size * p];
            scorer.Score(ids, values, size, probs, att);
            foreach (var prob in probs)
                if (!float.IsFinite(prob) || prob < 0 || prob > 1)
                    throw new InvalidDataException($"{manifest.Name}/{manifest.Version}: warm-up produced probability {prob}, not in [0, 1]");
        }
    }
}
