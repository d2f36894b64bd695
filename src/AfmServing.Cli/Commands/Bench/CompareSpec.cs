using System.Globalization;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>
/// What <c>--compare</c> changes for configuration B. Each entry is one of:
/// <list type="bullet">
/// <item><c>KEY=VALUE</c> with a server configuration key (it contains ':' or '__', e.g. <c>Batching:Enabled=false</c>),
/// or <c>env:NAME=VALUE</c> for a raw environment variable of the server process: B's server (started by the bench)
/// gets that setting on top of A's <c>--set</c>s;</item>
/// <item><c>KEY=VALUE</c> with a bench option (<c>protocol</c>, <c>features</c>, <c>candidates</c>, <c>concurrency</c>,
/// <c>rate</c>, <c>connections</c>, <c>grpc-url</c>, <c>http-url</c>, <c>label</c>): B uses that value;</item>
/// <item><c>inprocess</c>: B is raw ONNX Runtime on the same model at batch = candidates, no network
/// (with <c>threads=N</c> intra-op threads, default 1, and <c>parallel=N</c> concurrent runs, default the core count).</item>
/// </list>
/// </summary>
public sealed class CompareSpec
{
    public static readonly IReadOnlyList<string> BenchKeys =
        ["protocol", "features", "candidates", "concurrency", "rate", "connections", "grpc-url", "http-url", "label", "threads", "parallel"];

    private CompareSpec(SortedDictionary<string, string> serverSettings, Dictionary<string, string> bench, bool inProcess, string label)
    {
        ServerSettings = serverSettings;
        Bench = bench;
        InProcess = inProcess;
        Label = label;
    }

    public SortedDictionary<string, string> ServerSettings { get; }

    public IReadOnlyDictionary<string, string> Bench { get; }

    public bool InProcess { get; }

    /// <summary>B's label: <c>label=</c> when given, else the entries themselves.</summary>
    public string Label { get; }

    /// <summary>Parses the entries; throws <see cref="FormatException"/> naming the bad entry.</summary>
    public static CompareSpec Parse(IReadOnlyList<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var server = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var bench = new Dictionary<string, string>(StringComparer.Ordinal);
        bool inProcess = false;
        foreach (var raw in entries)
        {
            string entry = raw.Trim();
            if (entry == "inprocess")
            {
                inProcess = true;
                continue;
            }
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new FormatException($"--compare '{raw}': expected KEY=VALUE or inprocess");
            string key = entry[..eq].Trim(), value = entry[(eq + 1)..].Trim();
            if (IsServerKey(key))
                server[NormaliseServerKey(key)] = value;
            else if (BenchKeys.Contains(key))
                bench[key] = value;
            else
                throw new FormatException($"--compare '{raw}': unknown key '{key}' (bench keys: {string.Join(", ", BenchKeys)}; server settings contain ':' such as Batching:Enabled)");
        }
        if (inProcess && server.Count > 0)
            throw new FormatException("--compare inprocess runs no server, so it takes no server settings");
        string label = bench.TryGetValue("label", out var l) ? l : string.Join(", ", entries);
        return new CompareSpec(server, bench, inProcess, label);
    }

    /// <summary><c>--set</c>/<c>--compare</c> server keys accept ':' or '__'; they are kept in ':' form.</summary>
    public static bool IsServerKey(string key) => key.Contains(':', StringComparison.Ordinal) || key.Contains("__", StringComparison.Ordinal);

    public static string NormaliseServerKey(string key) =>
        key.StartsWith(Server.ServerProcess.EnvPrefix, StringComparison.Ordinal) ? key : key.Replace("__", ":", StringComparison.Ordinal);

    public int? PositiveInt(string key)
    {
        if (!Bench.TryGetValue(key, out var text))
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new FormatException($"--compare {key}={text}: expected a positive whole number");
    }

    public double? PositiveNumber(string key)
    {
        if (!Bench.TryGetValue(key, out var text))
            return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new FormatException($"--compare {key}={text}: expected a positive number");
    }
}
