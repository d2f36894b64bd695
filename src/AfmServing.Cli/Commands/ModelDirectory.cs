using System.Globalization;
using AfmServing.Training.Export;

namespace AfmServing.Cli.Commands;

/// <summary>Finds a model directory: the given one, or the highest version below a model name's folder.</summary>
internal static class ModelDirectory
{
    public static string Resolve(string path)
    {
        if (File.Exists(Path.Combine(path, OnnxContract.ManifestFile)))
            return path;
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"{path}: no such model directory");
        string? best = null;
        foreach (var dir in Directory.EnumerateDirectories(path))
        {
            if (!File.Exists(Path.Combine(dir, OnnxContract.ManifestFile)))
                continue;
            if (best is null || CompareVersions(Path.GetFileName(dir), Path.GetFileName(best)) > 0)
                best = dir;
        }
        return best ?? throw new FileNotFoundException($"{path}: holds no {OnnxContract.ManifestFile} (expected models/<name>/<version>/)");
    }

    /// <summary>Numeric versions compare as numbers, others ordinally after them.</summary>
    internal static int CompareVersions(string a, string b)
    {
        bool an = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out long x);
        bool bn = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out long y);
        if (an && bn) return x.CompareTo(y);
        if (an != bn) return an ? 1 : -1;
        return string.CompareOrdinal(a, b);
    }
}
