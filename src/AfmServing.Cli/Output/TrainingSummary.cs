using System.Globalization;
using AfmServing.Core.Manifest;
using AfmServing.Training.Pipeline;

namespace AfmServing.Cli.Output;

/// <summary>The closing table of <c>afm train</c>: metrics of the AFM and the FM baseline per split.</summary>
internal static class TrainingSummary
{
    public static void Write(TextWriter output, TrainingOutcome outcome)
    {
        output.WriteLine($"model {outcome.ModelDirectory}");
        output.WriteLine("split              AUC      log loss  RMSE     rows");
        foreach (var (split, m) in outcome.Manifest.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            output.WriteLine(Row(split, m));
    }

    internal static string Row(string split, MetricSet m) =>
        string.Create(CultureInfo.InvariantCulture, $"{split,-16}  {m.Auc,7:F5}  {m.LogLoss,8:F5}  {m.Rmse,7:F5}  {m.Rows,7}");
}
