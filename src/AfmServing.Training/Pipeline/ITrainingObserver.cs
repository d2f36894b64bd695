using AfmServing.Training.Training;

namespace AfmServing.Training.Pipeline;

/// <summary>Receives what a training run is doing, for a console or a log.</summary>
public interface ITrainingObserver
{
    /// <summary>A stage started or finished (reading, encoding, exporting …).</summary>
    void Stage(string message);

    /// <summary>An epoch of <paramref name="model"/> (<c>afm</c> or <c>fm</c>) finished.</summary>
    void Epoch(string model, EpochProgress progress);
}
