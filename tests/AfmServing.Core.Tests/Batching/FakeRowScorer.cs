using System.Collections.Concurrent;
using AfmServing.Core.Inference;

namespace AfmServing.Core.Tests.Batching;

/// <summary>
/// Scores a row as its first id / 1000 and copies its first value into attention, so tests can see which rows
/// ran and where their results went. Optionally blocks runs until released, to hold the model busy.
/// </summary>
internal sealed class FakeRowScorer : IRowScorer
{
    private readonly SemaphoreSlim? _gate;

    public FakeRowScorer(bool blocking = false) => _gate = blocking ? new SemaphoreSlim(0) : null;

    public int FieldCount => 2;

    public int PairCount => 1;

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public ConcurrentBag<long> SeenIds { get; } = [];

    public int Runs => BatchSizes.Count;

    public SemaphoreSlim Started { get; } = new(0);

    public void Release(int runs = 1) => _gate?.Release(runs);

    public void Score(Memory<long> ids, Memory<float> values, int rows, Memory<float> probabilities, Memory<float> attention)
    {
        BatchSizes.Enqueue(rows);
        Started.Release();
        _gate?.Wait(TimeSpan.FromSeconds(30));
        var idSpan = ids.Span;
        for (int r = 0; r < rows; r++)
        {
            SeenIds.Add(idSpan[r * FieldCount]);
            probabilities.Span[r] = idSpan[r * FieldCount] / 1000f;
            attention.Span[r] = values.Span[r * FieldCount];
        }
    }

    /// <summary>Builds a request of <paramref name="rows"/> rows whose first ids are first, first+1, ….</summary>
    public static (long[] Ids, float[] Values, float[] Probs, float[] Att) Rows(int rows, long first)
    {
        var ids = new long[rows * 2];
        var values = new float[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            ids[r * 2] = first + r;
            values[r * 2] = first + r;
        }
        return (ids, values, new float[rows], new float[rows]);
    }
}
