using System.CommandLine;
using System.CommandLine.Parsing;
using AfmServing.Cli.Commands.Bench.Load;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>The options that describe one service configuration, shared by <c>afm bench</c> and <c>afm bench sweep</c>.</summary>
internal sealed class LoadOptionSet
{
    private readonly bool _loadShape;

    public LoadOptionSet(bool loadShape)
    {
        _loadShape = loadShape;
        Rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } v && !(v > 0 && double.IsFinite(v)))
                r.AddError("--rate must be a positive number of requests per second");
        });
        foreach (var option in new[] { Candidates, Concurrency, Connections, MaxInFlight })
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                    r.AddError($"{r.Option.Name} must be at least 1");
            });
    }

    public Option<string> Protocol { get; } = new Option<string>("--protocol")
    {
        Description = "Transport: grpc (afm.v1.Scorer/Score over h2c) or rest (POST /v1/score, HTTP/1.1 JSON)",
        DefaultValueFactory = _ => "grpc",
    }.AcceptOnlyFromAmong("grpc", "rest");

    public Option<Uri> GrpcUrl { get; } = new("--grpc-url")
    {
        Description = "gRPC endpoint of a running service (ignored with --server)",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:8081"),
        CustomParser = r => ParseUrl(r, "--grpc-url"),
    };

    public Option<Uri> HttpUrl { get; } = new("--http-url")
    {
        Description = "HTTP endpoint of a running service: REST and /metrics (ignored with --server)",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080"),
        CustomParser = r => ParseUrl(r, "--http-url"),
    };

    public Option<string?> Server { get; } = new("--server")
    {
        Description = "Start this AfmServing.Server.dll (or its folder) as a child process per configuration, on free loopback ports",
    };

    public Option<DirectoryInfo> ModelsRoot { get; } = new("--models-root")
    {
        Description = "Models:Root of a server started with --server",
        DefaultValueFactory = _ => new DirectoryInfo("models"),
    };

    public Option<string> Model { get; } = new("--model")
    {
        Description = "Model named in each request (and Models:Default of a started server); empty = the server's default",
        DefaultValueFactory = _ => "",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Server setting KEY=VALUE for a server started with --server, e.g. Batching:MaxBatchRows=128 (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<FileInfo> Data { get; } = new("--data")
    {
        Description = "Frappe libFM file the requests are built from, e.g. ../shared/data/frappe/frappe.test.libfm",
        Required = true,
    };

    public Option<string> Features { get; } = new Option<string>("--features")
    {
        Description = "request: every field in the request; ids: user_id, item_id and context only, the feature store fills cost",
        DefaultValueFactory = _ => "request",
    }.AcceptOnlyFromAmong("request", "ids");

    public Option<int> Candidates { get; } = new("--candidates")
    {
        Description = "Candidates per request",
        DefaultValueFactory = _ => 1,
    };

    public Option<int> Connections { get; } = new("--connections")
    {
        Description = "gRPC channels (HTTP/2 connections) requests are spread over",
        DefaultValueFactory = _ => 1,
    };

    public Option<TimeSpan?> Deadline { get; } = new("--deadline")
    {
        Description = "Per-request deadline sent with each call (default none: the server applies Scoring:DefaultTimeoutMilliseconds). "
            + "A deadline costs a timer per call on both sides, which the 1-candidate figures notice",
        CustomParser = r => BenchDuration.Parser("--deadline", allowZero: false)(r),
    };

    public Option<TimeSpan> Warmup { get; } = new("--warmup")
    {
        Description = "Unrecorded load before each measured window (10s, 500ms, ...)",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(3),
        CustomParser = BenchDuration.Parser("--warmup", allowZero: true),
    };

    public Option<TimeSpan> Duration { get; } = new("--duration")
    {
        Description = "Measured window of each run",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        CustomParser = BenchDuration.Parser("--duration", allowZero: false),
    };

    public Option<string> Mode { get; } = new Option<string>("--mode")
    {
        Description = "closed: --concurrency callers back to back; open: --rate requests/s with Poisson arrivals, latency from each scheduled send",
        DefaultValueFactory = _ => "closed",
    }.AcceptOnlyFromAmong("closed", "open");

    public Option<int> Concurrency { get; } = new("--concurrency")
    {
        Description = "Closed loop: concurrent callers",
        DefaultValueFactory = _ => 64,
    };

    public Option<double?> Rate { get; } = new("--rate")
    {
        Description = "Open loop: mean requests per second",
    };

    public Option<int> MaxInFlight { get; } = new("--max-in-flight")
    {
        Description = "Open loop: sends past this many unanswered requests are counted as errors instead of sent",
        DefaultValueFactory = _ => 10_000,
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of the Poisson schedule",
        DefaultValueFactory = _ => 1,
    };

    public Option<string?> Label { get; } = new("--label")
    {
        Description = "Name of this configuration in the table (A of a comparison)",
    };

    private static Uri ParseUrl(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return uri;
        result.AddError($"{name}: '{text}' is not an http:// URL");
        return new Uri("http://invalid");
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Protocol);
        command.Add(GrpcUrl);
        command.Add(HttpUrl);
        command.Add(Server);
        command.Add(ModelsRoot);
        command.Add(Model);
        command.Add(Set);
        command.Add(Data);
        command.Add(Features);
        command.Add(Candidates);
        command.Add(Connections);
        command.Add(Deadline);
        command.Add(Warmup);
        command.Add(Duration);
        if (_loadShape)
        {
            command.Add(Mode);
            command.Add(Concurrency);
            command.Add(Rate);
        }
        command.Add(MaxInFlight);
        command.Add(Seed);
        command.Add(Label);
    }

    /// <summary>Configuration A; throws <see cref="FormatException"/> for a bad combination.</summary>
    public LoadSettings Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in parse.GetValue(Set) ?? [])
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !CompareSpec.IsServerKey(entry[..eq]))
                throw new FormatException($"--set '{entry}': expected a server setting KEY=VALUE with a ':'-separated key, e.g. Batching:Enabled=false");
            settings[CompareSpec.NormaliseServerKey(entry[..eq].Trim())] = entry[(eq + 1)..].Trim();
        }
        string? server = parse.GetValue(Server);
        if (settings.Count > 0 && server is null)
            throw new FormatException("--set needs --server (the settings are given to the server the bench starts)");
        var mode = _loadShape && parse.GetValue(Mode) == "open" ? LoadMode.Open : LoadMode.Closed;
        double? rate = _loadShape ? parse.GetValue(Rate) : null;
        if (mode == LoadMode.Open && rate is null)
            throw new FormatException("--mode open needs --rate");
        string protocol = parse.GetValue(Protocol)!;
        string label = parse.GetValue(Label) ?? (settings.Count == 0 ? protocol : $"{protocol}, {string.Join(", ", settings.Select(kv => $"{kv.Key}={kv.Value}"))}");
        return new LoadSettings
        {
            Label = label,
            Protocol = protocol,
            GrpcUrl = parse.GetValue(GrpcUrl)!,
            HttpUrl = parse.GetValue(HttpUrl)!,
            Server = server,
            ModelsRoot = parse.GetValue(ModelsRoot)!.FullName,
            Model = parse.GetValue(Model) ?? "",
            ServerSettings = settings,
            DataFile = parse.GetValue(Data)!.FullName,
            Features = LoadSettings.ParseFeatures(parse.GetValue(Features)!),
            Candidates = parse.GetValue(Candidates),
            Connections = parse.GetValue(Connections),
            Deadline = parse.GetValue(Deadline),
            Plan = new LoadPlan(mode, _loadShape ? parse.GetValue(Concurrency) : 1, rate ?? 1, parse.GetValue(Warmup), parse.GetValue(Duration), parse.GetValue(MaxInFlight), parse.GetValue(Seed)),
        };
    }
}
