using AfmServing.Core.Batching;
using AfmServing.Core.Inference;
using AfmServing.Core.Models;
using AfmServing.Core.Scoring;

namespace AfmServing.Benchmarks.HotPath;

/// <summary>
/// Feature encoding of one request as ScoringService does it: validate the shape, encode the request's values
/// (RequestEncoder → FieldEncoder), plan the store lookup, fill the remaining slots, into reused buffers.
/// </summary>
internal sealed class EncodeWorkload
{
    private readonly RequestEncoder _encoder = new(new ScoringOptions());
    private readonly LoadedModel _model;
    private readonly ScoreQuery _query;
    private readonly long[] _ids;
    private readonly float[] _values;

    public EncodeWorkload(int candidates)
    {
        var manifest = FrappeShapes.Manifest();
        var scorer = new NoopRowScorer(manifest.Fields.Count, manifest.PairCount);
        _model = new LoadedModel("memory", manifest, scorer, new MicroBatcher(scorer, new BatchingOptions { Enabled = false }, TimeProvider.System), null);
        _query = FrappeShapes.Query(candidates);
        _ids = new long[candidates * manifest.Fields.Count];
        _values = new float[candidates * manifest.Fields.Count];
    }

    /// <summary>Encodes the request; returns a checksum of the ids so the work cannot be optimised away.</summary>
    public long Run()
    {
        _encoder.ValidateShape(_query);
        _encoder.EncodeRequest(_query, _model, _ids, _values);
        if (RequestEncoder.PlanLookup(_query, _model, _ids) is not null)
            throw new InvalidOperationException("every field travels in the request; nothing should be looked up");
        RequestEncoder.FillDefaults(_query, _model, _ids, _values);
        return _ids[0] + _ids[^1];
    }
}

/// <summary>A model that costs nothing, so a batcher measurement is the batcher alone.</summary>
internal sealed class NoopRowScorer(int fields, int pairs) : IRowScorer
{
    public int FieldCount => fields;

    public int PairCount => pairs;

    public void Score(Memory<long> ids, Memory<float> values, int rows, Memory<float> probabilities, Memory<float> attention) =>
        probabilities.Span[..rows].Fill(0.5f);
}
