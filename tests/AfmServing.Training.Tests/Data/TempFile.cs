namespace AfmServing.Training.Tests.Data;

/// <summary>A scratch file under the temp folder, deleted on dispose (for malformed-input tests).</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string content, string name = "data.txt")
    {
        Dir = Directory.CreateTempSubdirectory("afm-test-").FullName;
        Path = System.IO.Path.Combine(Dir, name);
        File.WriteAllText(Path, content);
    }

    public string Dir { get; }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
