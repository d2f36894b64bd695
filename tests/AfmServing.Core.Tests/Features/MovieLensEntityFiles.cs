using AfmServing.Core.Features.Conversion;
using AfmServing.TestSupport;

namespace AfmServing.Core.Tests.Features;

/// <summary>
/// MovieLens-100K users and items (the real shared data, read in place) converted once per test run into entity
/// files in a temporary folder: users.csv (943 rows) and items.csv (1,682 rows).
/// </summary>
internal static class MovieLensEntityFiles
{
    private static readonly Lazy<MovieLensExportSummary> Export = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("afm-ml100k-").FullName;
        return MovieLensEntityExport.Export(SharedData.Path("movielens-100k"), dir);
    });

    public static string Users => Export.Value.UsersFile;

    public static string Items => Export.Value.ItemsFile;

    public const int UserCount = 943;

    public const int ItemCount = 1682;
}
