using System.Text.RegularExpressions;

namespace AfmServing.Deploy.Tests.Support;

/// <summary>.dockerignore patterns (Go filepath.Match plus **), enough to tell whether a context path is left out.</summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Include)> _rules = [];

    public IReadOnlyList<string> Patterns { get; }

    public DockerIgnore(string text)
    {
        var patterns = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            bool include = line.StartsWith('!');
            var pattern = (include ? line[1..] : line).Trim().TrimStart('/').TrimEnd('/');
            patterns.Add(pattern);
            _rules.Add((new Regex("^" + ToRegex(pattern) + "$"), include));
        }
        Patterns = patterns;
    }

    /// <summary>Whether <paramref name="path"/> (relative, '/'-separated) or a directory above it is excluded.</summary>
    public bool Excludes(string path)
    {
        path = path.Trim('/');
        var parts = path.Split('/');
        bool excluded = false;
        for (int n = 1; n <= parts.Length; n++)
        {
            var prefix = string.Join('/', parts.Take(n));
            foreach (var (pattern, include) in _rules)
            {
                if (pattern.IsMatch(prefix))
                    excluded = !include;
            }
            if (excluded)
                return true;
        }
        return false;
    }

    private static string ToRegex(string pattern)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of directories, including none.
                if (i + 2 < pattern.Length && pattern[i + 2] == '/')
                {
                    sb.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    sb.Append(".*");
                    i++;
                }
            }
            else if (c == '*')
                sb.Append("[^/]*");
            else if (c == '?')
                sb.Append("[^/]");
            else
                sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}
