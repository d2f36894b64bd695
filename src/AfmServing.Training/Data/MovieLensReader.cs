using System.Globalization;
using AfmServing.Core.Encoding;

namespace AfmServing.Training.Data;

/// <summary>
/// Reads MovieLens-100K ratings (<c>u.data</c> or a fold such as <c>u1.base</c>) joined with <c>u.user</c> and
/// <c>u.item</c> from the same folder. Label: rating ≥ 4. Fields: user attributes (age numeric, gender,
/// occupation, zip prefix) and item attributes (release year numeric, genres as a multi-valued list).
/// </summary>
public static class MovieLensReader
{
    /// <summary>Leading characters of the zip code kept as the zip_prefix field (US 3-digit sectional centre).</summary>
    public const int ZipPrefixLength = 3;

    private const int GenreCount = 19;

    /// <summary>Field order of the rows this reader returns (and of <see cref="KnownSchemas.MovieLens"/>).</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["user", "age", "gender", "occupation", "zip_prefix", "item", "year", "genres"];

    public static RawDataset Read(string ratingsPath)
    {
        ArgumentNullException.ThrowIfNull(ratingsPath);
        if (!File.Exists(ratingsPath))
            throw new DataFormatException(ratingsPath, 0, "file not found");
        string dir = Path.GetDirectoryName(Path.GetFullPath(ratingsPath))!;
        var users = ReadUsers(Path.Combine(dir, "u.user"));
        var items = ReadItems(Path.Combine(dir, "u.item"), ReadGenreNames(Path.Combine(dir, "u.genre")));

        var rows = new List<RawRow>();
        long line = 0;
        foreach (var text in File.ReadLines(ratingsPath))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var cells = text.TrimEnd('\r').Split('\t');
            if (cells.Length != 4)
                throw new DataFormatException(ratingsPath, line, string.Create(CultureInfo.InvariantCulture, $"{cells.Length} tab-separated cells, expected 4 (user, item, rating, timestamp)"));
            if (!users.TryGetValue(cells[0], out var user))
                throw new DataFormatException(ratingsPath, line, $"user '{LibFmReader.Short(cells[0])}' is not in u.user");
            if (!items.TryGetValue(cells[1], out var item))
                throw new DataFormatException(ratingsPath, line, $"item '{LibFmReader.Short(cells[1])}' is not in u.item");
            if (!int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out int rating) || rating is < 1 or > 5)
                throw new DataFormatException(ratingsPath, line, $"rating '{LibFmReader.Short(cells[2])}' is not 1..5");
            rows.Add(new RawRow(line, rating >= 4 ? 1f : 0f,
                [cells[0], user.Age, user.Gender, user.Occupation, user.ZipPrefix, cells[1], item.Year, item.Genres]));
        }
        return new RawDataset(ratingsPath, Fields, rows);
    }

    private sealed record User(string? Age, string? Gender, string? Occupation, string? ZipPrefix);

    private sealed record Item(string? Year, string? Genres);

    private static Dictionary<string, User> ReadUsers(string path)
    {
        var users = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var (line, cells) in ReadPipeFile(path, expectedCells: 5))
        {
            if (!int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw new DataFormatException(path, line, $"age '{LibFmReader.Short(cells[1])}' is not a whole number");
            string zip = cells[4].Trim();
            users[cells[0]] = new User(cells[1], NullIfEmpty(cells[2]), NullIfEmpty(cells[3]),
                zip.Length == 0 ? null : zip[..Math.Min(ZipPrefixLength, zip.Length)]);
        }
        return users;
    }

    private static Dictionary<string, Item> ReadItems(string path, string[] genreNames)
    {
        var items = new Dictionary<string, Item>(StringComparer.Ordinal);
        foreach (var (line, cells) in ReadPipeFile(path, expectedCells: 5 + GenreCount))
        {
            string date = cells[2].Trim();
            string? year = null;
            if (date.Length > 0)
            {
                if (!DateTime.TryParseExact(date, "d-MMM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    throw new DataFormatException(path, line, $"release date '{LibFmReader.Short(date)}' is not d-MMM-yyyy");
                year = d.Year.ToString(CultureInfo.InvariantCulture);
            }
            var genres = new List<string>();
            for (int g = 0; g < GenreCount; g++)
            {
                string flag = cells[5 + g];
                if (flag == "1") genres.Add(genreNames[g]);
                else if (flag != "0") throw new DataFormatException(path, line, $"genre flag {g} is '{LibFmReader.Short(flag)}', expected 0 or 1");
            }
            string canonical = FieldEncoder.Canonicalise(genres);
            items[cells[0]] = new Item(year, canonical.Length == 0 ? null : canonical);
        }
        return items;
    }

    private static string[] ReadGenreNames(string path)
    {
        var names = new string[GenreCount];
        for (int g = 0; g < GenreCount; g++)
            names[g] = "genre" + g.ToString(CultureInfo.InvariantCulture);
        if (!File.Exists(path))
            return names;
        foreach (var (line, cells) in ReadPipeFile(path, expectedCells: 2))
        {
            if (!int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= GenreCount)
                throw new DataFormatException(path, line, $"genre index '{LibFmReader.Short(cells[1])}' is not 0..{GenreCount - 1}");
            names[index] = cells[0];
        }
        return names;
    }

    private static IEnumerable<(long Line, string[] Cells)> ReadPipeFile(string path, int expectedCells)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, 0, "file not found (MovieLens needs u.user and u.item beside the ratings file)");
        long line = 0;
        // The GroupLens files are Latin-1 (accented titles); reading them as UTF-8 would mangle bytes.
        foreach (var text in File.ReadLines(path, System.Text.Encoding.Latin1))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var cells = text.TrimEnd('\r').Split('|');
            if (cells.Length != expectedCells)
                throw new DataFormatException(path, line, string.Create(CultureInfo.InvariantCulture, $"{cells.Length} '|'-separated cells, expected {expectedCells}"));
            yield return (line, cells);
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
