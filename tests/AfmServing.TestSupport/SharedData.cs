namespace AfmServing.TestSupport;

/// <summary>
/// Locates ../shared/data (never committed to the repository). Tests that need it fail with a clear
/// message when it is absent rather than silently skipping.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string FrappeTest => Path("frappe", "frappe.test.libfm");

    public static string FrappeValidation => Path("frappe", "frappe.validation.libfm");

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("AFM_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
            return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(candidate, "SOURCES.md")))
                return candidate;
        }
        throw new DirectoryNotFoundException("shared/data not found beside the repository; set AFM_SHARED_DATA");
    }
}
