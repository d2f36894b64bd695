using AfmServing.Training.Data;
using AfmServing.Training.Training;

namespace AfmServing.Training.Pipeline;

/// <summary>Everything one <c>afm train</c> run needs: data, schema, destination and trainer options.</summary>
public sealed class TrainingJob
{
    public required DataFormat Format { get; init; }

    public required DatasetSchema Schema { get; init; }

    /// <summary>Name of the schema (built-in name or file) for the manifest.</summary>
    public string SchemaName { get; init; } = "";

    public required string TrainPath { get; init; }

    /// <summary>Early-stopping data; when null the last <see cref="ValidationFraction"/> of the training file is used.</summary>
    public string? ValidationPath { get; init; }

    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Held-out data the reported metrics are measured on.</summary>
    public string? TestPath { get; init; }

    public required string Name { get; init; }

    public string Version { get; init; } = "1";

    /// <summary>Models folder; the model lands in OutputRoot/Name/Version.</summary>
    public required string OutputRoot { get; init; }

    public bool Overwrite { get; init; }

    /// <summary>Trainer options for the AFM; the FM baseline uses the same with attention off. TableSize is set from the data.</summary>
    public required TrainerOptions Trainer { get; init; }

    public bool TrainFmBaseline { get; init; } = true;

    /// <summary>Write per-entity attribute tables (items.csv, users.csv) beside the model.</summary>
    public bool WriteEntityFiles { get; init; } = true;

    /// <summary>The command line that ran the job, recorded in the manifest.</summary>
    public string Command { get; init; } = "";
}
