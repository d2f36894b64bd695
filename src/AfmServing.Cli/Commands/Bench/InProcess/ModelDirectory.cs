using System.Globalization;

namespace AfmServing.Cli.Commands.Bench.InProcess;

/// <summary>Finds the version directory a server would serve: <c>&lt;root&gt;/&lt;name&gt;/&lt;highest version&gt;</c>.</summary>
public static class ModelDirectory
{
    /// <summary>The highest version of <paramref name="name"/> under <paramref name="root"/> (numeric versions compare as numbers).</summary>
    public static string Resolve(string root, string name)
    {
        string dir = Path.Combine(root, name);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{dir} does not exist (pass --model-dir, or --models-root and --model)");
        var versions = Directory.GetDirectories(dir)
            .Where(v => File.Exists(Path.Combine(v, "model.onnx")))
            .OrderBy(v => long.TryParse(Path.GetFileName(v), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : long.MinValue)
            .ThenBy(v => Path.GetFileName(v), StringComparer.Ordinal)
            .ToList();
        return versions.Count > 0 ? versions[^1] : throw new DirectoryNotFoundException($"{dir} holds no version with a model.onnx");
    }
}
