namespace AfmServing.TestSupport;

/// <summary>Paths inside the repository checkout, found from the test binaries' location.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootDir = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AfmServing.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("AfmServing.sln not found above the test binaries");
    });

    public static string Root => RootDir.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Models => Path("models");
}
