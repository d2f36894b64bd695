namespace AfmServing.Cli.Tests;

/// <summary>Runs the real <c>afm</c> command tree in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await AfmCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

/// <summary>A scratch folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("afm-cli-").FullName;

    public string File(string name, string content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
