using System.Collections.Concurrent;

namespace AfmServing.Core.Batching;

/// <summary>Input and output buffers for one model run of up to MaxBatchRows rows; owned by one run at a time.</summary>
internal sealed class BatchBuffers(int rows, int fields, int pairs)
{
    public long[] Ids { get; } = GC.AllocateUninitializedArray<long>(rows * fields, pinned: true);
    public float[] Values { get; } = GC.AllocateUninitializedArray<float>(rows * fields, pinned: true);
    public float[] Probabilities { get; } = GC.AllocateUninitializedArray<float>(rows, pinned: true);
    public float[] Attention { get; } = GC.AllocateUninitializedArray<float>(rows * pairs, pinned: true);
}

/// <summary>Keeps one <see cref="BatchBuffers"/> per concurrent run; they are pinned, so they are reused, never dropped.</summary>
internal sealed class BufferPool(int rows, int fields, int pairs)
{
    private readonly ConcurrentBag<BatchBuffers> _free = [];

    public BatchBuffers Rent() => _free.TryTake(out var b) ? b : new BatchBuffers(rows, fields, pairs);

    public void Return(BatchBuffers buffers) => _free.Add(buffers);
}
