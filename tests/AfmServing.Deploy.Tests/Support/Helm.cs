using System.Collections.Concurrent;
using AfmServing.TestSupport;

namespace AfmServing.Deploy.Tests.Support;

/// <summary>
/// Runs the real helm binary against deploy/helm/afm-serving. helm is found on PATH or at .tools/bin/helm
/// (installed by .ci/install-helm.sh); without it the tests fail, they do not skip.
/// </summary>
public static class Helm
{
    public const string ReleaseName = "afm";

    public static string ChartDir => RepoPaths.Path("deploy", "helm", "afm-serving");

    /// <summary>Values sets the chart is checked with: the defaults and every file under ci/.</summary>
    public static TheoryData<string> ValuesSets => new() { Default, Gpu, ExternalRedis };

    public const string Default = "default";
    public const string Gpu = "ci/gpu-values.yaml";
    public const string ExternalRedis = "ci/external-redis-values.yaml";

    private static readonly Lazy<string> Binary = new(Find);
    private static readonly ConcurrentDictionary<string, Lazy<List<Dictionary<object, object>>>> Renders = new();
    private static readonly Lazy<string> HelmHome = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "afm-deploy-tests-helm");
        Directory.CreateDirectory(dir);
        return dir;
    });

    /// <summary>helm with <paramref name="args"/>; the values set, when not the default, is passed with -f.</summary>
    public static ProcessResult Run(params string[] args)
    {
        var home = HelmHome.Value;
        var env = new Dictionary<string, string>
        {
            // Keeps helm away from the user's config and repository caches.
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        };
        return ProcessRunner.Run(Binary.Value, args, env);
    }

    public static string[] ValuesArgs(string valuesSet) =>
        valuesSet == Default ? [] : ["-f", Path.Combine(ChartDir, valuesSet)];

    /// <summary>`helm template` output for a values set plus extra arguments; fails the test if helm does.</summary>
    public static List<Dictionary<object, object>> Template(string valuesSet, params string[] extra)
    {
        var key = valuesSet + "|" + string.Join('|', extra);
        return Renders.GetOrAdd(key, _ => new Lazy<List<Dictionary<object, object>>>(() =>
        {
            var result = TemplateRaw(valuesSet, extra);
            Assert.True(result.ExitCode == 0, $"helm template ({valuesSet} {string.Join(' ', extra)}) failed: {result.Describe()}");
            return Yaml.Documents(result.StdOut);
        })).Value;
    }

    public static ProcessResult TemplateRaw(string valuesSet, params string[] extra) =>
        Run([.. new[] { "template", ReleaseName, ChartDir, "--namespace", "scoring" }, .. ValuesArgs(valuesSet), .. extra]);

    public static Dictionary<object, object> Resource(this List<Dictionary<object, object>> docs, string kind)
    {
        var matches = docs.Where(d => d.StrOrNull("kind") == kind).ToList();
        Assert.True(matches.Count == 1, $"expected one {kind}, rendered {matches.Count}");
        return matches[0];
    }

    public static IEnumerable<Dictionary<object, object>> Resources(this List<Dictionary<object, object>> docs, string kind) =>
        docs.Where(d => d.StrOrNull("kind") == kind);

    /// <summary>The scoring container of the Deployment.</summary>
    public static Dictionary<object, object> ServerContainer(this List<Dictionary<object, object>> docs)
    {
        var containers = docs.Resource("Deployment").Maps("spec", "template", "spec", "containers").ToList();
        Assert.True(containers.Count == 1, $"expected one container in the pod, found {containers.Count}");
        return containers[0];
    }

    /// <summary>The container's env entries in order, name to the entry.</summary>
    public static List<(string Name, Dictionary<object, object> Entry)> Env(this Dictionary<object, object> container) =>
        container.Maps("env").Select(e => (e.Str("name"), e)).ToList();

    private static string Find()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "helm"))
            .Append(RepoPaths.Path(".tools", "bin", "helm"));
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
                return candidate;
        }
        throw new Xunit.Sdk.XunitException(
            "helm was not found on PATH nor at <repo>/.tools/bin/helm. Install it with .ci/install-helm.sh " +
            "(the deploy checks run the real helm; they do not skip without it).");
    }
}
