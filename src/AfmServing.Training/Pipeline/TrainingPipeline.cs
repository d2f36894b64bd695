using System.Globalization;
using System.Security.Cryptography;
using AfmServing.Core.Manifest;
using AfmServing.Training.Data;
using AfmServing.Training.Evaluation;
using AfmServing.Training.Export;
using AfmServing.Training.Model;
using AfmServing.Training.Training;
using Google.Protobuf;

namespace AfmServing.Training.Pipeline;

/// <summary>What a training run produced.</summary>
public sealed record TrainingOutcome(string ModelDirectory, ModelManifest Manifest, TrainingResult Afm, TrainingResult? Fm);

/// <summary>
/// Read → fit fields on the training split → encode → train AFM (and the FM baseline) → measure the exported
/// graphs with ONNX Runtime → write <c>model.onnx</c>, <c>manifest.json</c> and entity tables.
/// </summary>
public static class TrainingPipeline
{
    public static TrainingOutcome Run(TrainingJob job, ITrainingObserver observer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(observer);
        job.Schema.Validate(job.SchemaName);
        job.Trainer.With(1, true).Validate();
        string modelDir = Path.Combine(job.OutputRoot, job.Name, job.Version);
        if (!job.Overwrite && File.Exists(Path.Combine(modelDir, OnnxContract.ModelFile)))
            throw new IOException($"{modelDir} already holds a model (use --overwrite to replace it)");

        var (train, validation, test) = Read(job, observer);
        var layout = FieldLayoutBuilder.Fit(job.Schema, train);
        observer.Stage(string.Create(CultureInfo.InvariantCulture, $"fields fitted on {train.Count:N0} training rows: {layout.Fields.Count} fields, table size {layout.TableSize:N0}"));
        var trainSet = DatasetEncoder.Encode(layout.Fields, train);
        var validationSet = DatasetEncoder.Encode(layout.Fields, validation);
        var testSet = test is null ? null : DatasetEncoder.Encode(layout.Fields, test);
        ct.ThrowIfCancellationRequested();

        var afmOptions = job.Trainer.With(layout.TableSize, useAttention: true);
        observer.Stage($"training AFM (k={afmOptions.EmbeddingSize}, t={afmOptions.AttentionSize}, up to {afmOptions.Epochs} epochs)");
        var afm = AfmTrainer.Train(trainSet, validationSet, afmOptions, new EpochObserver(observer, "afm"), ct);
        TrainingResult? fm = null;
        if (job.TrainFmBaseline)
        {
            observer.Stage("training the FM baseline (same settings, attention off)");
            fm = AfmTrainer.Train(trainSet, validationSet, job.Trainer.With(layout.TableSize, useAttention: false), new EpochObserver(observer, "fm"), ct);
        }

        var metrics = new Dictionary<string, MetricSet>(StringComparer.Ordinal);
        observer.Stage("measuring the exported graphs with ONNX Runtime");
        Measure(afm.Parameters, "", validationSet, testSet, metrics);
        if (fm is not null)
            Measure(fm.Parameters, "fm_", validationSet, testSet, metrics);

        var manifest = new ModelManifest
        {
            Name = job.Name,
            Version = job.Version,
            Fields = layout.Fields,
            TableSize = layout.TableSize,
            Metrics = metrics,
            Training = new TrainingInfo
            {
                Data = DescribeData(job, train, validation, test),
                Protocol = DescribeProtocol(job, afm, fm),
                Command = job.Command,
                Hyperparameters = afmOptions.ToHyperparameters(),
                TrainedAt = DateTimeOffset.UtcNow,
            },
        };
        Directory.CreateDirectory(modelDir);
        if (job.WriteEntityFiles)
        {
            var sources = new List<RawDataset> { train, validation };
            if (test is not null) sources.Add(test);
            manifest.EntityFiles = EntityTableWriter.Write(layout.Fields, sources, modelDir, job.Schema.AttributesFromPositiveRows);
            foreach (var (entity, file) in manifest.EntityFiles)
                observer.Stage($"wrote {entity} attributes to {Path.Combine(modelDir, file)}");
        }
        string dir = OnnxExporter.Export(afm.Parameters, manifest, job.OutputRoot, overwrite: job.Overwrite);
        observer.Stage($"exported {Path.Combine(dir, OnnxContract.ModelFile)} and {OnnxContract.ManifestFile}");
        return new TrainingOutcome(dir, manifest, afm, fm);
    }

    private static (RawDataset Train, RawDataset Validation, RawDataset? Test) Read(TrainingJob job, ITrainingObserver observer)
    {
        var train = DataFiles.Read(job.TrainPath, job.Format, job.Schema);
        RawDataset validation;
        if (job.ValidationPath is null)
        {
            (train, validation) = train.SplitByFraction(1 - job.ValidationFraction);
        }
        else
        {
            validation = DataFiles.Read(job.ValidationPath, job.Format, job.Schema);
        }
        var test = job.TestPath is null ? null : DataFiles.Read(job.TestPath, job.Format, job.Schema);
        observer.Stage(string.Create(CultureInfo.InvariantCulture,
            $"read {train.Count:N0} training, {validation.Count:N0} validation, {test?.Count ?? 0:N0} test rows"));
        if (train.Count == 0 || validation.Count == 0)
            throw new DataFormatException(job.TrainPath, 0, "the training and validation splits both need rows");
        return (train, validation, test);
    }

    private static void Measure(AfmParameters m, string prefix, EncodedDataset validation, EncodedDataset? test, Dictionary<string, MetricSet> metrics)
    {
        using var runner = new OnnxModelRunner(AfmGraph.Build(m).ToByteArray());
        var v = runner.Run(validation);
        metrics[prefix + "validation"] = MetricSets.Measure(validation.Labels, v.Probabilities);
        if (test is not null)
        {
            var t = runner.Run(test);
            metrics[prefix + "test"] = MetricSets.Measure(test.Labels, t.Probabilities);
        }
    }

    private static string DescribeData(TrainingJob job, RawDataset train, RawDataset validation, RawDataset? test)
    {
        var files = new List<string> { $"{Describe(job.TrainPath)}" };
        if (job.ValidationPath is not null) files.Add(Describe(job.ValidationPath));
        if (job.TestPath is not null) files.Add(Describe(job.TestPath));
        return string.Create(CultureInfo.InvariantCulture,
            $"{job.Format} data, schema '{job.SchemaName}': {string.Join("; ", files)}. Rows: train {train.Count}, validation {validation.Count}, test {test?.Count ?? 0}.");
    }

    private static string Describe(string path)
    {
        using var stream = File.OpenRead(path);
        string sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return $"{Path.GetFileName(path)} (sha256 {sha[..16]})";
    }

    private static string DescribeProtocol(TrainingJob job, TrainingResult afm, TrainingResult? fm)
    {
        var c = CultureInfo.InvariantCulture;
        string split = job.ValidationPath is null
            ? $"train on the first {Percent(1 - job.ValidationFraction)} of {Path.GetFileName(job.TrainPath)}, early-stop on its last {Percent(job.ValidationFraction)}"
            : $"train on {Path.GetFileName(job.TrainPath)}, early-stop on {Path.GetFileName(job.ValidationPath)}";
        string test = job.TestPath is null ? "no test file" : $"report on {Path.GetFileName(job.TestPath)}";
        string epochs = string.Create(c, $"AFM best epoch {afm.BestEpoch} of {afm.History.Count}");
        if (fm is not null)
            epochs += string.Create(c, $", FM baseline best epoch {fm.BestEpoch} of {fm.History.Count}");
        return $"{split}; {test}; vocabularies and numeric constants fitted on the training split only; " +
               $"early stopping on validation {job.Trainer.EarlyStoppingMetric} (patience {job.Trainer.EarlyStoppingPatience}); {epochs}. " +
               "Metrics are measured on the exported ONNX graph with ONNX Runtime (CPU).";
    }

    private static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private sealed class EpochObserver(ITrainingObserver observer, string model) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value) => observer.Epoch(model, value);
    }
}
