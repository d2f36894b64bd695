using AfmServing.Core.Manifest;

namespace AfmServing.Training.Evaluation;

/// <summary>Builds the manifest's <see cref="MetricSet"/> from labels and probabilities.</summary>
public static class MetricSets
{
    public static MetricSet Measure(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities) => new()
    {
        Auc = Metrics.Auc(labels, probabilities),
        LogLoss = Metrics.LogLoss(labels, probabilities),
        Rmse = Metrics.Rmse(labels, probabilities),
        Rows = labels.Length,
    };
}
