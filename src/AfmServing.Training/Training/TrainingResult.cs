using AfmServing.Training.Model;

namespace AfmServing.Training.Training;

/// <summary>The kept weights and how training went.</summary>
public sealed class TrainingResult
{
    public TrainingResult(AfmParameters parameters, IReadOnlyList<EpochProgress> history, int bestEpoch, bool stoppedEarly)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(history);
        Parameters = parameters;
        History = history;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
    }

    /// <summary>Weights of the best epoch by the validation metric (the last epoch without validation data).</summary>
    public AfmParameters Parameters { get; }

    public IReadOnlyList<EpochProgress> History { get; }

    /// <summary>1-based epoch whose weights are <see cref="Parameters"/>.</summary>
    public int BestEpoch { get; }

    /// <summary>True when patience ran out before the maximum number of epochs.</summary>
    public bool StoppedEarly { get; }

    public EpochProgress Best => History[BestEpoch - 1];
}
