using AfmServing.Core.Features;

namespace AfmServing.Core.Tests.Features;

public sealed class EntityFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("afm-reader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ReadLenient_BadLineInTheMiddle_YieldsItsErrorAndGoesOn()
    {
        string file = Write("u.csv", "id,age\n1,24\n2\n3,23\n");

        var results = EntityFileReader.ReadLenient(file).ToList();

        Assert.Equal(3, results.Count);
        Assert.Equal("1", results[0].Record!.Id);
        Assert.Equal(3, results[1].Error!.Line);
        Assert.Equal(("3", 4L), (results[2].Record!.Id, results[2].Record!.Line));
    }

    [Fact]
    public void Read_BadLine_Throws()
    {
        string file = Write("u.csv", "id,age\n1,24\n2\n");

        var e = Assert.Throws<EntityFileException>(() => EntityFileReader.Read(file).ToList());

        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void ReadLenient_MissingFile_ThrowsAtOnce()
    {
        Assert.Throws<FileNotFoundException>(() => EntityFileReader.ReadLenient(Path.Combine(_dir, "none.jsonl")));
    }
}
