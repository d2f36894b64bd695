namespace AfmServing.Core.Batching;

/// <summary>
/// Up to MaxBatchRows rows of one request waiting for, or in, a model run. Inputs and outputs are views over
/// the request's own buffers; the request owns them until the job completes.
/// </summary>
internal sealed class BatchJob
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    public BatchJob(Memory<long> ids, Memory<float> values, int rows, Memory<float> probabilities, Memory<float> attention, long enqueuedAt)
    {
        Ids = ids;
        Values = values;
        Rows = rows;
        Probabilities = probabilities;
        Attention = attention;
        EnqueuedAt = enqueuedAt;
    }

    public Memory<long> Ids { get; }
    public Memory<float> Values { get; }
    public int Rows { get; }
    public Memory<float> Probabilities { get; }
    public Memory<float> Attention { get; }

    /// <summary>TimeProvider timestamp of the enqueue.</summary>
    public long EnqueuedAt { get; }

    /// <summary>When the caller gives up; a run no longer claims the job after it. MaxValue when none.</summary>
    public DateTimeOffset Deadline { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>TimeProvider timestamp when its model run started.</summary>
    public long StartedAt { get; set; }

    /// <summary>TimeProvider timestamp when its model run ended.</summary>
    public long FinishedAt { get; set; }

    /// <summary>Rows in the model run that computed it.</summary>
    public int BatchRows { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    public Task Completion => _completion.Task;

    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

    /// <summary>Claims the job for a model run; false when its caller cancelled first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>Cancels the job if no run has claimed it yet; true when it did.</summary>
    public bool TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) != Queued)
            return false;
        _completion.TrySetCanceled(token);
        return true;
    }

    public void Complete()
    {
        Registration.Dispose();
        _completion.TrySetResult();
    }

    public void Fail(Exception error)
    {
        Registration.Dispose();
        _completion.TrySetException(error);
    }
}
