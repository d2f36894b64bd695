using AfmServing.TestSupport;
using AfmServing.Training.Data;

namespace AfmServing.Training.Tests.Data;

public class MovieLensReaderTests
{
    [Fact]
    public void Read_U1Test_JoinsUserAndItemAttributes()
    {
        var data = MovieLensReader.Read(SharedData.Path("movielens-100k", "u1.test"));

        Assert.Equal(20_000, data.Count);
        Assert.Equal(MovieLensReader.Fields, data.FieldNames);
        // u1.test line 1 is "1\t6\t5\t887431973": user 1 = "1|24|M|technician|85711", item 6 = Shanghai Triad (1995), Drama.
        var row = data.Rows[0];
        Assert.Equal(1f, row.Label);
        Assert.Equal(new string?[] { "1", "24", "M", "technician", "857", "6", "1995", "Drama" }, row.Values.AsEnumerable());
    }

    [Fact]
    public void Read_MultiGenreItem_UsesTheCanonicalSortedJoinedForm()
    {
        var data = MovieLensReader.Read(SharedData.Path("movielens-100k", "u.data"));

        Assert.Equal(100_000, data.Count);
        // Item 1 (Toy Story) is Animation, Children's, Comedy.
        var toyStory = data.Rows.First(r => r.Values[5] == "1");
        Assert.Equal("Animation|Children's|Comedy", toyStory.Values[7]);
        // Item 267 has no release date: its year is missing, not an error.
        Assert.Null(data.Rows.First(r => r.Values[5] == "267").Values[6]);
        // Label = rating >= 4.
        int positives = File.ReadLines(SharedData.Path("movielens-100k", "u.data")).Count(l => l.Split('\t')[2] is "4" or "5");
        Assert.Equal(positives, data.Rows.Count(r => r.Label == 1f));
    }

    [Fact]
    public void Read_UnknownUser_ThrowsWithFileAndLine()
    {
        using var file = new TempFile("1\t1\t5\t0\n9999\t1\t3\t0\n", "ratings.data");
        File.Copy(SharedData.Path("movielens-100k", "u.user"), Path.Combine(file.Dir, "u.user"));
        File.Copy(SharedData.Path("movielens-100k", "u.item"), Path.Combine(file.Dir, "u.item"));

        var e = Assert.Throws<DataFormatException>(() => MovieLensReader.Read(file.Path));

        Assert.Equal($"{file.Path}:2: user '9999' is not in u.user", e.Message);
    }
}
