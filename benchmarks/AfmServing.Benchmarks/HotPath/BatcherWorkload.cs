using AfmServing.Core.Batching;

namespace AfmServing.Benchmarks.HotPath;

/// <summary>
/// Batch assembly: <c>callers</c> one-row requests submitted at once to a MicroBatcher over a model that costs
/// nothing, awaited together. With 1 caller it is the idle path (dispatched at once); with 64 the queue, batch
/// forming, copy into the batch buffers and completion of every waiter.
/// </summary>
internal sealed class BatcherWorkload : IAsyncDisposable
{
    private const int Fields = 10;
    private const int Pairs = 45;
    private readonly MicroBatcher _batcher;
    private readonly long[][] _ids;
    private readonly float[][] _values;
    private readonly float[][] _probabilities;
    private readonly float[][] _attention;
    private readonly Task<BatchTiming>[] _pending;

    public BatcherWorkload(int callers)
    {
        _batcher = new MicroBatcher(new NoopRowScorer(Fields, Pairs), new BatchingOptions(), TimeProvider.System);
        _ids = new long[callers][];
        _values = new float[callers][];
        _probabilities = new float[callers][];
        _attention = new float[callers][];
        _pending = new Task<BatchTiming>[callers];
        for (int i = 0; i < callers; i++)
        {
            _ids[i] = new long[Fields];
            _values[i] = new float[Fields];
            _probabilities[i] = new float[1];
            _attention[i] = new float[Pairs];
        }
    }

    public int Callers => _pending.Length;

    public async Task<float> RunAsync()
    {
        if (_pending.Length == 1)
        {
            await _batcher.ScoreAsync(_ids[0], _values[0], 1, _probabilities[0], _attention[0], CancellationToken.None).ConfigureAwait(false);
            return _probabilities[0][0];
        }
        for (int i = 0; i < _pending.Length; i++)
            _pending[i] = _batcher.ScoreAsync(_ids[i], _values[i], 1, _probabilities[i], _attention[i], CancellationToken.None).AsTask();
        await Task.WhenAll(_pending).ConfigureAwait(false);
        return _probabilities[^1][0];
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
