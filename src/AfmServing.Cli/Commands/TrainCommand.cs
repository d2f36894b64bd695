using System.CommandLine;
using AfmServing.Cli.Output;
using AfmServing.Core.Manifest;
using AfmServing.Training.Data;
using AfmServing.Training.Optimization;
using AfmServing.Training.Pipeline;
using AfmServing.Training.Training;

namespace AfmServing.Cli.Commands;

/// <summary><c>afm train</c>: fit fields, train the AFM and its FM baseline, export the model directory.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainerOptions();
        var train = new Option<string>("--train") { Description = "Training data file", Required = true };
        var validation = new Option<string?>("--validation") { Description = "Early-stopping data file (default: the last --validation-fraction of --train)" };
        var fraction = new Option<double>("--validation-fraction") { Description = "Share of --train held out for early stopping when --validation is absent", DefaultValueFactory = _ => 0.1 };
        var test = new Option<string?>("--test") { Description = "Held-out data the reported metrics are measured on" };
        var format = new Option<string?>("--format") { Description = "libfm | movielens | csv (default: from the --train file name)" };
        var schema = new Option<string?>("--schema") { Description = "Built-in schema (frappe, movielens, criteo, avazu, taobao) or a schema JSON file" };
        var minCount = new Option<int?>("--min-count") { Description = "Training count a value needs for its own vocabulary row (overrides the schema)" };
        var name = new Option<string>("--name") { Description = "Model name (directory under --output)", Required = true };
        var version = new Option<string>("--version") { Description = "Model version (directory under the name)", DefaultValueFactory = _ => "1" };
        var output = new Option<string>("--output") { Description = "Models folder", DefaultValueFactory = _ => "models" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing model of the same name and version" };
        var noFm = new Option<bool>("--no-fm-baseline") { Description = "Skip training the FM baseline" };
        var noEntities = new Option<bool>("--no-entity-files") { Description = "Do not write items.csv / users.csv beside the model" };
        var k = new Option<int>("--embedding-size") { Description = "Embedding size k", DefaultValueFactory = _ => defaults.EmbeddingSize };
        var t = new Option<int>("--attention-size") { Description = "Attention hidden size t", DefaultValueFactory = _ => defaults.AttentionSize };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<float>("--learning-rate") { Description = "Learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var optimizer = new Option<OptimizerKind>("--optimizer") { Description = "Adam | Adagrad", DefaultValueFactory = _ => defaults.Optimizer };
        var dropout = new Option<float>("--dropout") { Description = "Dropout on the pooled pair vector", DefaultValueFactory = _ => defaults.Dropout };
        var l2Attention = new Option<float>("--l2-attention") { Description = "L2 on the attention weights W", DefaultValueFactory = _ => defaults.L2Attention };
        var l2Embeddings = new Option<float>("--l2-embeddings") { Description = "L2 on the embedding rows a batch touches", DefaultValueFactory = _ => defaults.L2Embeddings };
        var initStd = new Option<float>("--init-std") { Description = "Standard deviation of the embedding initialisation", DefaultValueFactory = _ => defaults.InitStd };
        var patience = new Option<int>("--patience") { Description = "Epochs without validation improvement before stopping", DefaultValueFactory = _ => defaults.EarlyStoppingPatience };
        var stopOn = new Option<EarlyStoppingMetric>("--early-stopping") { Description = "LogLoss | Auc", DefaultValueFactory = _ => defaults.EarlyStoppingMetric };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<int>("--threads") { Description = $"Training threads (1..{AfmTrainer.Shards})", DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 1, AfmTrainer.Shards) };

        var command = new Command("train", "Train an AFM (and its FM baseline) and export models/<name>/<version>/ (model.onnx, manifest.json)")
        {
            train, validation, fraction, test, format, schema, minCount, name, version, output, overwrite, noFm, noEntities,
            k, t, epochs, batch, lr, optimizer, dropout, l2Attention, l2Embeddings, initStd, patience, stopOn, seed, threads,
        };
        command.SetAction((parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return Task.FromResult(CommandGuard.Run(stderr, () =>
            {
                string trainPath = parse.GetRequiredValue(train);
                var dataFormat = SchemaResolver.Format(parse.GetValue(format), trainPath);
                var (datasetSchema, schemaName) = SchemaResolver.ForTraining(parse.GetValue(schema), dataFormat);
                if (parse.GetValue(minCount) is { } min)
                {
                    foreach (var f in datasetSchema.Fields)
                        if (f.Kind == FieldKinds.Categorical && f.Encoding == CategoricalEncodings.Vocabulary)
                            f.MinCount = min;
                }
                var job = new TrainingJob
                {
                    Format = dataFormat,
                    Schema = datasetSchema,
                    SchemaName = schemaName,
                    TrainPath = trainPath,
                    ValidationPath = parse.GetValue(validation),
                    ValidationFraction = parse.GetValue(fraction),
                    TestPath = parse.GetValue(test),
                    Name = parse.GetRequiredValue(name),
                    Version = parse.GetRequiredValue(version),
                    OutputRoot = parse.GetRequiredValue(output),
                    Overwrite = parse.GetValue(overwrite),
                    TrainFmBaseline = !parse.GetValue(noFm),
                    WriteEntityFiles = !parse.GetValue(noEntities),
                    Command = CommandLineText.Of("afm", parse.Tokens.Select(x => x.Value)),
                    Trainer = new TrainerOptions
                    {
                        EmbeddingSize = parse.GetValue(k),
                        AttentionSize = parse.GetValue(t),
                        Epochs = parse.GetValue(epochs),
                        BatchSize = parse.GetValue(batch),
                        LearningRate = parse.GetValue(lr),
                        Optimizer = parse.GetValue(optimizer),
                        Dropout = parse.GetValue(dropout),
                        L2Attention = parse.GetValue(l2Attention),
                        L2Embeddings = parse.GetValue(l2Embeddings),
                        InitStd = parse.GetValue(initStd),
                        EarlyStoppingPatience = parse.GetValue(patience),
                        EarlyStoppingMetric = parse.GetValue(stopOn),
                        Seed = parse.GetValue(seed),
                        Threads = parse.GetValue(threads),
                    },
                };
                if (!(job.ValidationFraction is > 0 and < 1))
                    throw new ArgumentException("--validation-fraction must lie in (0, 1)");
                var outcome = TrainingPipeline.Run(job, new ConsoleTrainingObserver(stdout), ct);
                TrainingSummary.Write(stdout, outcome);
                return CommandGuard.Ok;
            }));
        });
        return command;
    }
}
