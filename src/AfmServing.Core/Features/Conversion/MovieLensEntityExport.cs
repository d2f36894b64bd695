
namespace AfmServing.Core.Features.Conversion;

/// <summary>Counts from <see cref="MovieLensEntityExport"/>.</summary>
public sealed record MovieLensExportSummary(int Users, int Items, string UsersFile, string ItemsFile);

/// <summary>
/// Turns MovieLens-100K <c>u.user</c> and <c>u.item</c> into entity files:
/// <c>users.csv</c> = <c>id,user,age,gender,occupation,zip_prefix</c> (zip_prefix = first 3 characters of the zip code) and
/// <c>items.csv</c> = <c>id,item,year,genres</c> (year of the release date; genres = the flagged genre names of
/// <c>u.genre</c>, sorted and joined with '|', the canonical multi-valued form). The entity's own id is repeated
/// as a feature (<c>user</c>/<c>item</c>) so a model can embed it, as in <c>HSET afm:item:1234 item 1234 ...</c>.
/// The files are Latin-1; only ASCII fields are exported.
/// </summary>
public static class MovieLensEntityExport
{
    private static readonly System.Text.Encoding Latin1 = System.Text.Encoding.Latin1;

    public static MovieLensExportSummary Export(string dataDir, string outDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        Directory.CreateDirectory(outDir);
        string users = Path.Combine(outDir, "users.csv");
        string items = Path.Combine(outDir, "items.csv");
        int u = ExportUsers(Path.Combine(dataDir, "u.user"), users);
        int i = ExportItems(Path.Combine(dataDir, "u.item"), Path.Combine(dataDir, "u.genre"), items);
        return new MovieLensExportSummary(u, i, users, items);
    }

    /// <summary>u.user (<c>id|age|gender|occupation|zip</c>) → users CSV; returns the number of users.</summary>
    public static int ExportUsers(string uUser, string outCsv)
    {
        using var writer = new StreamWriter(outCsv);
        CsvCells.WriteRow(writer, "id", "user", "age", "gender", "occupation", "zip_prefix");
        int count = 0;
        long line = 0;
        foreach (var text in File.ReadLines(uUser, Latin1))
        {
            line++;
            if (text.Length == 0)
                continue;
            var f = text.Split('|');
            if (f.Length != 5)
                throw new EntityFileException(uUser, line, $"expected 5 '|'-separated fields, found {f.Length}");
            if (f[0].Length == 0)
                throw new EntityFileException(uUser, line, "empty user id");
            string zip = f[4].Trim();
            CsvCells.WriteRow(writer, f[0], f[0], f[1], f[2], f[3], zip.Length >= 3 ? zip[..3] : zip);
            count++;
        }
        return count;
    }

    /// <summary>u.item (<c>id|title|release date|video date|url|19 genre flags</c>) → items CSV; returns the number of items.</summary>
    public static int ExportItems(string uItem, string uGenre, string outCsv)
    {
        var genres = ReadGenres(uGenre);
        using var writer = new StreamWriter(outCsv);
        CsvCells.WriteRow(writer, "id", "item", "year", "genres");
        int count = 0;
        long line = 0;
        var flagged = new List<string>(genres.Length);
        foreach (var text in File.ReadLines(uItem, Latin1))
        {
            line++;
            if (text.Length == 0)
                continue;
            var f = text.Split('|');
            if (f.Length != 5 + genres.Length)
                throw new EntityFileException(uItem, line, $"expected {5 + genres.Length} '|'-separated fields, found {f.Length}");
            if (f[0].Length == 0)
                throw new EntityFileException(uItem, line, "empty item id");
            string date = f[2].Trim();
            string? year = date.Length >= 4 && int.TryParse(date.AsSpan(date.Length - 4), out _) ? date[^4..] : null;
            flagged.Clear();
            for (int g = 0; g < genres.Length; g++)
            {
                if (f[5 + g] == "1")
                    flagged.Add(genres[g]);
                else if (f[5 + g] != "0")
                    throw new EntityFileException(uItem, line, $"genre flag '{genres[g]}' is '{f[5 + g]}', expected 0 or 1");
            }
            flagged.Sort(StringComparer.Ordinal);
            CsvCells.WriteRow(writer, f[0], f[0], year, string.Join('|', flagged));
            count++;
        }
        return count;
    }

    /// <summary>u.genre: <c>name|index</c> lines; returns names by index.</summary>
    private static string[] ReadGenres(string uGenre)
    {
        var byIndex = new SortedDictionary<int, string>();
        long line = 0;
        foreach (var text in File.ReadLines(uGenre, Latin1))
        {
            line++;
            if (text.Trim().Length == 0)
                continue;
            int bar = text.LastIndexOf('|');
            if (bar <= 0 || !int.TryParse(text.AsSpan(bar + 1), out int index))
                throw new EntityFileException(uGenre, line, "expected 'name|index'");
            byIndex[index] = text[..bar];
        }
        var names = byIndex.Values.ToArray();
        int expected = 0;
        foreach (var index in byIndex.Keys)
            if (index != expected++)
                throw new EntityFileException(uGenre, line, "genre indexes are not 0..n-1");
        return names;
    }
}
