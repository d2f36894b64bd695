using AfmServing.Core.Features;
using AfmServing.Core.Features.Conversion;
using AfmServing.Core.Manifest;
using AfmServing.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace AfmServing.Cli.Tests.Commands;

public class TrainCommandTests
{
    private static readonly string[] SmallModel = ["--epochs", "1", "--embedding-size", "8", "--attention-size", "4", "--threads", "2"];

    [Fact]
    public async Task Train_Frappe_WritesModelManifestItemsAndReportsEpochs()
    {
        using var dir = new TempDir();

        var (code, output, error) = await CliRunner.RunAsync(
        [
            "train", "--train", SharedData.FrappeValidation, "--test", SharedData.FrappeTest,
            "--name", "frappe-afm", "--version", "7", "--output", dir.Path, .. SmallModel,
        ]);

        Assert.True(code == 0, error);
        Assert.Matches(@"afm epoch +1/1 +[\d,]+ rows/s +loss \d\.\d+ +val AUC 0\.\d+", output);
        Assert.Matches(@"fm epoch +1/1 +[\d,]+ rows/s", output);
        string modelDir = Path.Combine(dir.Path, "frappe-afm", "7");
        var manifest = ManifestJson.Read(Path.Combine(modelDir, "manifest.json"));
        Assert.Equal("afm", manifest.ModelType);
        Assert.Equal(["fm_test", "fm_validation", "test", "validation"], manifest.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(28_860, manifest.Metrics["test"].Rows);
        Assert.Equal(5_772, manifest.Metrics["validation"].Rows);
        Assert.InRange(manifest.Metrics["test"].Auc, 0.6, 1.0);
        Assert.Contains("first 90% of frappe.validation.libfm", manifest.Training!.Protocol);
        Assert.StartsWith("afm train --train ", manifest.Training.Command);
        Assert.Equal("8", manifest.Training.Hyperparameters["embeddingSize"]);
        Assert.Equal(new Dictionary<string, string> { ["item"] = "items.csv" }, manifest.EntityFiles);
        using (var session = new InferenceSession(Path.Combine(modelDir, "model.onnx")))
            Assert.Equal(45, session.OutputMetadata["attention"].Dimensions[1]);

        // items.csv = what `afm features export-frappe-items` derives from the same files (cost from positive rows).
        string expectedPath = Path.Combine(dir.Path, "expected-items.csv");
        FrappeItemExport.Export([SharedData.FrappeValidation, SharedData.FrappeTest], expectedPath);
        Assert.Equal(File.ReadAllLines(expectedPath), File.ReadAllLines(Path.Combine(modelDir, "items.csv")));
        var items = EntityFileReader.Read(Path.Combine(modelDir, "items.csv")).ToList();
        Assert.Equal(4_082, items.Count);
        Assert.Equal(2_535, items.Count(r => r.Features.ContainsKey("cost"))); // apps with a positive row
        Assert.All(items, r => Assert.Equal(r.Id, r.Features["item"]));
    }

    [Fact]
    public async Task Train_MovieLens_WritesUserAndItemTables()
    {
        using var dir = new TempDir();

        var (code, _, error) = await CliRunner.RunAsync(
        [
            "train", "--train", SharedData.Path("movielens-100k", "u1.base"), "--test", SharedData.Path("movielens-100k", "u1.test"),
            "--name", "ml", "--output", dir.Path, "--no-fm-baseline", .. SmallModel,
        ]);

        Assert.True(code == 0, error);
        var manifest = ManifestJson.Read(Path.Combine(dir.Path, "ml", "1", "manifest.json"));
        Assert.Equal("users.csv", manifest.EntityFiles["user"]);
        Assert.Equal("items.csv", manifest.EntityFiles["item"]);
        Assert.DoesNotContain("fm_test", manifest.Metrics.Keys);
        var user1 = EntityFileReader.Read(Path.Combine(dir.Path, "ml", "1", "users.csv")).First(r => r.Id == "1");
        Assert.Equal("24", user1.Features["age"]);
        Assert.Equal("technician", user1.Features["occupation"]);
        var toyStory = EntityFileReader.Read(Path.Combine(dir.Path, "ml", "1", "items.csv")).First(r => r.Id == "1");
        Assert.Equal("Animation|Children's|Comedy", toyStory.Features["genres"]);
        Assert.True(manifest.Fields.Single(f => f.Name == "genres").MultiValued);
    }

    [Fact]
    public async Task Train_MalformedLine_PrintsFileLineReasonWithoutStackTrace()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.libfm", "1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1\r\n-1 1:1 2:1 3:1\r\n");

        var (code, output, error) = await CliRunner.RunAsync("train", "--train", bad, "--name", "x", "--output", dir.Path);

        Assert.Equal(1, code);
        Assert.Equal($"error: {bad}:2: 3 features, expected 10 (one per field)", error.Trim());
        Assert.DoesNotContain(" at ", error + output);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "x")));
    }

    [Fact]
    public async Task Train_ExistingModel_FailsBeforeTrainingUnlessOverwrite()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "m", "1"));
        dir.File(Path.Combine("m", "1", "model.onnx"), "not a model");

        var (code, output, error) = await CliRunner.RunAsync("train", "--train", SharedData.FrappeTest, "--name", "m", "--output", dir.Path);

        Assert.Equal(1, code);
        Assert.Contains("already holds a model (use --overwrite", error);
        Assert.DoesNotContain("epoch", output);
    }

    [Theory]
    [InlineData("--embedding-size", "0", "EmbeddingSize must lie in [1, 1024]")]
    [InlineData("--validation-fraction", "1.5", "--validation-fraction must lie in (0, 1)")]
    [InlineData("--schema", "nosuch", "--schema 'nosuch' is neither a file nor one of")]
    [InlineData("--format", "xml", "--format 'xml' is not libfm, movielens or csv")]
    public async Task Train_BadOption_NamesTheOption(string option, string value, string message)
    {
        using var dir = new TempDir();

        var (code, _, error) = await CliRunner.RunAsync("train", "--train", SharedData.FrappeTest, "--name", "m", "--output", dir.Path, option, value);

        Assert.Equal(1, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task Train_CsvWithoutSchema_AsksForOne()
    {
        var (code, _, error) = await CliRunner.RunAsync("train", "--train", SharedData.Path("criteo", "criteo_sample.txt"), "--name", "c", "--output", "unused");

        Assert.Equal(1, code);
        Assert.Contains("--schema is required for csv data", error);
    }

    [Fact]
    public async Task Train_MissingRequiredOption_FailsWithUsageError()
    {
        var (code, _, error) = await CliRunner.RunAsync("train", "--name", "x");

        Assert.NotEqual(0, code);
        Assert.Contains("--train", error);
    }

    [Fact]
    public async Task Train_CriteoWithBuiltInSchema_FitsHashedAndNumericFields()
    {
        using var dir = new TempDir();

        var (code, _, error) = await CliRunner.RunAsync(
        [
            "train", "--train", SharedData.Path("criteo", "criteo_sample.txt"), "--schema", "criteo", "--validation-fraction", "0.2",
            "--name", "criteo", "--output", dir.Path, .. SmallModel,
        ]);

        Assert.True(code == 0, error);
        var manifest = ManifestJson.Read(Path.Combine(dir.Path, "criteo", "1", "manifest.json"));
        Assert.Equal(39, manifest.Fields.Count);
        Assert.Equal("hash", manifest.Fields.Single(f => f.Name == "C1").Categorical!.Encoding);
        Assert.True(manifest.Fields.Single(f => f.Name == "I1").Numeric!.Log1p);
        Assert.Empty(manifest.EntityFiles);
        Assert.Equal(40, manifest.Metrics["validation"].Rows);
        Assert.Equal("1", manifest.Training!.Hyperparameters["seed"]);
    }
}
