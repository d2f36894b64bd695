namespace AfmServing.Training.Training;

/// <summary>One finished epoch: reported through IProgress and kept in <see cref="TrainingResult.History"/>.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="MaxEpochs">The configured maximum, for an ETA.</param>
/// <param name="TrainLoss">Mean log loss over the epoch's batches (with dropout, as trained).</param>
/// <param name="ValidationAuc">NaN without validation data.</param>
/// <param name="ValidationLogLoss">NaN without validation data.</param>
/// <param name="RowsPerSecond">Training rows per second (forward, backward and update; validation excluded).</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
/// <param name="IsBest">Whether this epoch's weights are now the kept ones.</param>
public sealed record EpochProgress(
    int Epoch, int MaxEpochs, double TrainLoss, double ValidationAuc, double ValidationLogLoss,
    double RowsPerSecond, double Seconds, bool IsBest);
