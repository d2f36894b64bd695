using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AfmServing.Deploy.Tests.Support;

/// <summary>One instruction of a Dockerfile, continuation lines joined, with the build stage it belongs to.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, string? Stage, int Line);

/// <summary>A COPY/ADD: flags, sources and destination.</summary>
public sealed record DockerCopy(IReadOnlyList<string> Flags, IReadOnlyList<string> Sources, string Destination, string? Stage, int Line)
{
    public string? From => Flags.FirstOrDefault(f => f.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
}

/// <summary>
/// A small reader for the repository's Dockerfile: enough syntax (continuations, comments, stages, global ARG
/// defaults, exec-form arrays, ENV pairs) to check what the images are built from and what they promise.
/// </summary>
public sealed partial class Dockerfile
{
    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>ARG defaults declared before the first FROM (usable in FROM lines).</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs { get; }

    private Dockerfile(List<DockerInstruction> instructions, Dictionary<string, string> globalArgs)
    {
        Instructions = instructions;
        GlobalArgs = globalArgs;
    }

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path));

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? stage = null;
        var lines = text.Split('\n');
        var current = new StringBuilder();
        int startLine = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            // Comment lines are dropped, also in the middle of a continued instruction.
            if (trimmed.StartsWith('#') || (current.Length == 0 && trimmed.Length == 0))
                continue;
            if (current.Length == 0)
                startLine = i + 1;
            bool continues = line.EndsWith('\\');
            current.Append(continues ? line[..^1] : line).Append(' ');
            if (continues)
                continue;
            var full = current.ToString().Trim();
            current.Clear();
            if (full.Length == 0)
                continue;
            int space = full.IndexOf(' ');
            var keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            var args = space < 0 ? "" : full[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var m = FromAs().Match(args);
                stage = m.Success ? m.Groups["name"].Value : null;
            }
            else if (keyword == "ARG" && stage is null && instructions.All(x => x.Keyword != "FROM"))
            {
                var eq = args.IndexOf('=');
                if (eq > 0)
                    globalArgs[args[..eq]] = args[(eq + 1)..].Trim('"');
            }
            instructions.Add(new DockerInstruction(keyword, args, stage, startLine));
        }
        return new Dockerfile(instructions, globalArgs);
    }

    public IEnumerable<string> Stages =>
        Instructions.Where(i => i.Keyword == "FROM" && i.Stage is not null).Select(i => i.Stage!);

    public IEnumerable<DockerInstruction> InStage(string stage, string keyword) =>
        Instructions.Where(i => i.Stage == stage && i.Keyword == keyword);

    /// <summary>The image a stage starts from, following stage names and global ARG defaults to an image reference.</summary>
    public string BaseImage(string stage)
    {
        var from = InStage(stage, "FROM").Single().Arguments;
        var image = FromAs().Match(from) is { Success: true } m ? m.Groups["image"].Value : from.Split(' ')[0];
        image = ArgReference().Replace(image, a => GlobalArgs.TryGetValue(a.Groups[1].Value, out var v) ? v : a.Value);
        return Stages.Contains(image) && image != stage ? BaseImage(image) : image;
    }

    public IEnumerable<DockerCopy> Copies()
    {
        foreach (var ins in Instructions.Where(i => i.Keyword is "COPY" or "ADD"))
        {
            var tokens = ins.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            var flags = tokens.TakeWhile(t => t.StartsWith("--", StringComparison.Ordinal)).ToList();
            var rest = string.Join(' ', tokens.Skip(flags.Count));
            var paths = rest.StartsWith('[') ? JsonSerializer.Deserialize<List<string>>(rest)! : [.. rest.Split(' ')];
            yield return new DockerCopy(flags, paths.Take(paths.Count - 1).ToList(), paths[^1], ins.Stage, ins.Line);
        }
    }

    /// <summary>An exec-form (JSON array) argument list such as ENTRYPOINT's or HEALTHCHECK's CMD.</summary>
    public static List<string> ExecForm(string json) =>
        JsonSerializer.Deserialize<List<string>>(json) ?? throw new FormatException($"not an exec-form array: {json}");

    /// <summary>The variables a stage's ENV instructions set (KEY=VALUE pairs, quotes removed).</summary>
    public Dictionary<string, string> Env(string stage)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ins in InStage(stage, "ENV"))
        {
            foreach (Match m in EnvPair().Matches(ins.Arguments))
                env[m.Groups["key"].Value] = m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["bare"].Value;
        }
        return env;
    }

    [GeneratedRegex(@"^(?:--\S+\s+)*(?<image>\S+)\s+AS\s+(?<name>\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromAs();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex ArgReference();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?:""(?<quoted>[^""]*)""|(?<bare>\S*))")]
    private static partial Regex EnvPair();
}
