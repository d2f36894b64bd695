using System.Globalization;
using AfmServing.Core.Manifest;
using AfmServing.TestSupport;

namespace AfmServing.Cli.Tests.Commands;

public class EvaluateCommandTests
{
    [Fact]
    public async Task Evaluate_TrainedModel_PrintsTheSameMetricsTheManifestRecorded()
    {
        using var dir = new TempDir();
        var (trained, _, trainError) = await CliRunner.RunAsync(
            "train", "--train", SharedData.FrappeValidation, "--test", SharedData.FrappeTest, "--name", "f", "--output", dir.Path,
            "--epochs", "1", "--embedding-size", "8", "--attention-size", "4", "--no-fm-baseline", "--no-entity-files");
        Assert.True(trained == 0, trainError);
        var expected = ManifestJson.Read(Path.Combine(dir.Path, "f", "1", "manifest.json")).Metrics["test"];

        // The model name's folder resolves to its highest version.
        var (code, output, error) = await CliRunner.RunAsync("evaluate", "--model", Path.Combine(dir.Path, "f"), "--data", SharedData.FrappeTest);

        Assert.True(code == 0, error);
        Assert.Contains("28,860 rows", output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"AUC      {expected.Auc:F5}"), output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"log loss {expected.LogLoss:F5}"), output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"RMSE     {expected.Rmse:F5}"), output);
    }

    [Fact]
    public async Task Evaluate_CsvWithColumnsNamedLikeTheFields_UsesTheManifest()
    {
        using var dir = new TempDir();
        var (trained, _, trainError) = await CliRunner.RunAsync(
            "train", "--train", SharedData.Path("taobao-ad-tiny", "train_sample.csv"), "--validation", SharedData.Path("taobao-ad-tiny", "valid_sample.csv"),
            "--schema", "taobao", "--name", "tb", "--output", dir.Path, "--epochs", "1", "--embedding-size", "4", "--attention-size", "2");
        Assert.True(trained == 0, trainError);

        var (code, output, error) = await CliRunner.RunAsync(
            "evaluate", "--model", Path.Combine(dir.Path, "tb", "1"), "--data", SharedData.Path("taobao-ad-tiny", "test_sample.csv"), "--schema", "taobao");

        Assert.True(code == 0, error);
        Assert.Contains("100 rows", output);
        Assert.Matches(@"AUC +[01]\.\d{5}", output);
    }

    [Fact]
    public async Task Evaluate_MissingModel_ExplainsAndFails()
    {
        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--model", "/nonexistent/model", "--data", SharedData.FrappeTest);

        Assert.Equal(1, code);
        Assert.Equal("error: /nonexistent/model: no such model directory", error.Trim());
    }

    [Fact]
    public async Task Evaluate_DataOfAnotherSchema_NamesFileAndLine()
    {
        using var dir = new TempDir();
        var (trained, _, _) = await CliRunner.RunAsync(
            "train", "--train", SharedData.FrappeTest, "--name", "f", "--output", dir.Path,
            "--epochs", "1", "--embedding-size", "4", "--attention-size", "2", "--no-fm-baseline", "--no-entity-files");
        Assert.Equal(0, trained);
        string csv = dir.File("rows.csv", "label,user,item\n1,3,4\n");

        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--model", Path.Combine(dir.Path, "f", "1"), "--data", csv);

        Assert.Equal(1, code);
        Assert.Equal($"error: {csv}:1: header has no column for field 'daytime': 'daytime'", error.Trim());
    }
}
