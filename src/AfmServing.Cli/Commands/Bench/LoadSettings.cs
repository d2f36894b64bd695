using System.Globalization;
using AfmServing.Cli.Commands.Bench.Load;
using AfmServing.Cli.Commands.Bench.Workload;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>Everything one service configuration of a bench needs: target, server settings, request shape and load.</summary>
public sealed record LoadSettings
{
    public string Label { get; init; } = "A";
    public string Protocol { get; init; } = "grpc";
    public Uri GrpcUrl { get; init; } = new("http://127.0.0.1:8081");
    public Uri HttpUrl { get; init; } = new("http://127.0.0.1:8080");

    /// <summary>AfmServing.Server.dll (or its folder) to start per configuration; null targets the URLs.</summary>
    public string? Server { get; init; }
    public string ModelsRoot { get; init; } = "models";

    /// <summary>Model named in requests (and Models:Default of a started server); empty = the server's default.</summary>
    public string Model { get; init; } = "";
    public SortedDictionary<string, string> ServerSettings { get; init; } = new(StringComparer.Ordinal);

    public required string DataFile { get; init; }
    public FeatureSource Features { get; init; } = FeatureSource.Request;
    public int Candidates { get; init; } = 1;
    public required LoadPlan Plan { get; init; }
    public int Connections { get; init; } = 1;
    /// <summary>Per-request deadline (gRPC deadline, REST client timeout); null sends none and lets the server apply its default.</summary>
    public TimeSpan? Deadline { get; init; }
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Configuration B: A with the entries of <paramref name="spec"/> applied (not for <c>inprocess</c>).</summary>
    public LoadSettings With(CompareSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var b = this;
        var settings = new SortedDictionary<string, string>(ServerSettings, StringComparer.Ordinal);
        foreach (var (k, v) in spec.ServerSettings)
            settings[k] = v;
        if (spec.ServerSettings.Count > 0 && Server is null)
            throw new FormatException("--compare with server settings needs --server (the bench starts the server once per configuration)");
        b = b with { ServerSettings = settings, Label = spec.Label };
        foreach (var (key, value) in spec.Bench)
        {
            b = key switch
            {
                "protocol" => b with { Protocol = ParseProtocol(value) },
                "features" => b with { Features = ParseFeatures(value) },
                "candidates" => b with { Candidates = spec.PositiveInt(key)!.Value },
                "concurrency" => b with { Plan = b.Plan with { Concurrency = spec.PositiveInt(key)!.Value } },
                "rate" => b with { Plan = b.Plan with { Rate = spec.PositiveNumber(key)!.Value } },
                "connections" => b with { Connections = spec.PositiveInt(key)!.Value },
                "grpc-url" => b with { GrpcUrl = ParseUrl(key, value) },
                "http-url" => b with { HttpUrl = ParseUrl(key, value) },
                _ => b,
            };
        }
        return b;
    }

    /// <summary>One line for headers: protocol, load, request shape.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Protocol}, {Plan.Describe()}, {Candidates} candidate{(Candidates == 1 ? "" : "s")}/request, features {(Features == FeatureSource.Ids ? "ids (store fills the rest)" : "in request")}");

    public static string ParseProtocol(string value) => value is "grpc" or "rest"
        ? value
        : throw new FormatException($"protocol '{value}': expected grpc or rest");

    public static FeatureSource ParseFeatures(string value) => value switch
    {
        "request" => FeatureSource.Request,
        "ids" => FeatureSource.Ids,
        _ => throw new FormatException($"features '{value}': expected request or ids"),
    };

    private static Uri ParseUrl(string key, string value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        ? uri
        : throw new FormatException($"--compare {key}={value}: expected an http:// URL");
}
