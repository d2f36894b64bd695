using System.CommandLine;
using System.Globalization;
using AfmServing.Cli.Output;
using AfmServing.Core.Manifest;
using AfmServing.Training.Data;
using AfmServing.Training.Evaluation;
using AfmServing.Training.Export;

namespace AfmServing.Cli.Commands;

/// <summary><c>afm evaluate</c>: run an exported model with ONNX Runtime over a labelled file; print AUC, log loss, RMSE.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (models/<name>/<version>, or models/<name> for its highest version)", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled data file", Required = true };
        var format = new Option<string?>("--format") { Description = "libfm | movielens | csv (default: from the file name)" };
        var schema = new Option<string?>("--schema") { Description = "Schema for csv data (default: columns named like the model's fields)" };
        var label = new Option<string>("--label-column") { Description = "csv label column when no --schema is given", DefaultValueFactory = _ => "label" };
        var separator = new Option<string>("--separator") { Description = "csv separator when no --schema is given", DefaultValueFactory = _ => "," };
        var batch = new Option<int>("--batch-size") { Description = "Rows per ONNX Runtime run", DefaultValueFactory = _ => 4096 };

        var command = new Command("evaluate", "Score a labelled file with an exported model (ONNX Runtime) and print AUC, log loss and RMSE")
        {
            model, data, format, schema, label, separator, batch,
        };
        command.SetAction(parse => CommandGuard.Run(parse.InvocationConfiguration.Error, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            string dir = ModelDirectory.Resolve(parse.GetRequiredValue(model));
            var manifest = ManifestJson.Read(Path.Combine(dir, OnnxContract.ManifestFile));
            string dataPath = parse.GetRequiredValue(data);
            var dataFormat = SchemaResolver.Format(parse.GetValue(format), dataPath);
            var datasetSchema = SchemaResolver.ForModel(parse.GetValue(schema), manifest, parse.GetRequiredValue(label), parse.GetRequiredValue(separator));
            var raw = DataFiles.Read(dataPath, dataFormat, datasetSchema);
            var encoded = DatasetEncoder.Encode(manifest.Fields, raw);
            if (encoded.Rows == 0)
                throw new DataFormatException(dataPath, 0, "no rows to evaluate");

            using var runner = new OnnxModelRunner(Path.Combine(dir, OnnxContract.ModelFile));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = runner.Run(encoded, parse.GetValue(batch));
            var metrics = MetricSets.Measure(encoded.Labels, result.Probabilities);

            output.WriteLine($"model {manifest.Name}/{manifest.Version} ({manifest.ModelType}) from {dir}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data  {dataPath}: {encoded.Rows:N0} rows scored in {clock.Elapsed.TotalSeconds:F2} s"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AUC      {metrics.Auc:F5}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log loss {metrics.LogLoss:F5}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RMSE     {metrics.Rmse:F5}"));
            return CommandGuard.Ok;
        }));
        return command;
    }
}
