using System.Globalization;
using AfmServing.Training.Pipeline;
using AfmServing.Training.Training;

namespace AfmServing.Cli.Output;

/// <summary>Prints stages and one line per epoch: epoch, rows/s, loss, validation AUC and log loss, time, ETA.</summary>
internal sealed class ConsoleTrainingObserver(TextWriter output) : ITrainingObserver
{
    public void Stage(string message) => output.WriteLine(message);

    public void Epoch(string model, EpochProgress p)
    {
        // An upper bound: early stopping may end sooner.
        double eta = (p.MaxEpochs - p.Epoch) * p.Seconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model} epoch {p.Epoch,3}/{p.MaxEpochs}  {p.RowsPerSecond,10:N0} rows/s  loss {p.TrainLoss:F5}  val AUC {p.ValidationAuc:F5}  val logloss {p.ValidationLogLoss:F5}  {p.Seconds,6:F1} s  ETA <= {FormatDuration(eta)}{(p.IsBest ? "  *best" : "")}"));
    }

    internal static string FormatDuration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.Seconds}s";
    }
}
