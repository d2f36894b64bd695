using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using AfmServing.Cli.Terminal;
using AfmServing.Core.Features;
using AfmServing.Core.Features.Loading;
using StackExchange.Redis;

namespace AfmServing.Cli.Commands;

/// <summary>
/// <c>afm features load</c>: bulk-loads a CSV/JSONL entity file into Redis hashes <c>&lt;prefix&gt;&lt;entity&gt;:&lt;id&gt;</c>.
/// Progress (rows, rows/s, ETA) goes to stderr, the final count to stdout, bad lines to stderr as
/// <c>file:line: reason</c>. Exit codes: 0 all rows loaded; 2 loaded, but some bad lines were skipped;
/// 1 nothing or not everything could be loaded (bad arguments, missing file, Redis unreachable); 130 cancelled.
/// </summary>
public static class FeaturesLoadCommand
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitBadRows = 2;
    public const int ExitCancelled = 130;

    public static Command Create()
    {
        var redis = new Option<string>("--redis")
        {
            Description = "StackExchange.Redis connection string (host:port[,password=...])",
            DefaultValueFactory = _ => "localhost:6379",
        };
        var entity = new Option<string>("--entity")
        {
            Description = "Entity the file describes: user or item",
            Required = true,
        }.AcceptOnlyFromAmong("user", "item");
        var file = new Option<FileInfo>("--file", "-f")
        {
            Description = "Entity file: CSV with a header row, or JSONL (.jsonl/.json) with one object per line",
            Required = true,
        };
        var idColumn = new Option<string>("--id-column")
        {
            Description = "Column holding the entity id",
            DefaultValueFactory = _ => "id",
        };
        var prefix = new Option<string>("--prefix")
        {
            Description = "Key prefix (keys are <prefix><entity>:<id>)",
            DefaultValueFactory = _ => "afm:",
        };
        var ttl = new Option<TimeSpan?>("--ttl")
        {
            Description = "Expire keys after this long: seconds (3600), a unit (90s, 15m, 2h, 7d) or a TimeSpan (01:00:00); default never",
            CustomParser = ParseTtl,
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Keys written per pipelined round trip (1..100000)",
            DefaultValueFactory = _ => 1000,
        };
        batchSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000)
                r.AddError("--batch-size must be in 1..100000");
        });

        var command = new Command("load", "Load an entity file into Redis (one hash per entity; re-running replaces each entity's hash)")
        {
            redis, entity, file, idColumn, prefix, ttl, batchSize,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new FeatureLoadRequest
            {
                Path = parse.GetValue(file)!.FullName,
                Entity = parse.GetValue(entity)!,
                IdColumn = parse.GetValue(idColumn)!,
                KeyPrefix = parse.GetValue(prefix)!,
                Ttl = parse.GetValue(ttl),
                BatchSize = parse.GetValue(batchSize),
            },
            parse.GetValue(redis)!,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(
        FeatureLoadRequest request, string redis, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!File.Exists(request.Path))
        {
            await stderr.WriteLineAsync($"error: --file: {request.Path} does not exist");
            return ExitFailed;
        }
        ConfigurationOptions config;
        try
        {
            config = ConfigurationOptions.Parse(redis);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"error: --redis: {e.Message}");
            return ExitFailed;
        }
        // A loader should fail at once when Redis is not there, unlike the serving store.
        config.AbortOnConnectFail = true;
        string endpoints = string.Join(',', config.EndPoints.Select(EndPointText));

        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(config);
        }
        catch (RedisConnectionException e)
        {
            await stderr.WriteLineAsync($"error: cannot connect to Redis at {endpoints} ({e.FailureType})");
            return ExitFailed;
        }

        await using (connection)
        {
            var line = new ProgressLine(stderr, ProgressLine.IsTerminal(stderr));
            var progress = new SyncProgress(p => line.Update(Describe(request.Entity, p), final: p.LinesRead >= p.TotalLines));
            FeatureLoadResult result;
            try
            {
                result = await new FeatureLoader(connection).LoadAsync(request, progress, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await stderr.WriteLineAsync("\ncancelled; entities written so far stay (re-running is safe)");
                return ExitCancelled;
            }
            catch (EntityFileException e)
            {
                await stderr.WriteLineAsync(e.Message);
                return ExitFailed;
            }
            catch (Exception e) when (e is RedisException or ArgumentException or IOException)
            {
                await stderr.WriteLineAsync($"error: {FirstSentence(e.Message)}");
                return ExitFailed;
            }

            foreach (var error in result.Errors)
                await stderr.WriteLineAsync(error.Message);
            if (result.BadRows > result.Errors.Count)
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"... and {result.BadRows - result.Errors.Count} more bad lines"));
            if (result.BadRows > 0)
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{result.BadRows} bad lines skipped"));
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"loaded {result.Rows} {request.Entity} entities into {request.KeyPrefix}{request.Entity}:* in {result.Elapsed.TotalSeconds:F1} s"));
            return result.BadRows > 0 ? ExitBadRows : ExitOk;
        }
    }

    internal static string Describe(string entity, FeatureLoadProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{ProgressLine.Bar(p.Fraction)} {p.Fraction,4:P0} {p.Rows:N0} {entity}s  {p.RowsPerSecond:N0} rows/s  ETA {ProgressLine.Duration(p.Eta)}{(p.BadRows > 0 ? $"  {p.BadRows:N0} bad" : "")}");

    /// <summary>Seconds (<c>3600</c>), a number with a unit (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>) or a TimeSpan (<c>01:00:00</c>).</summary>
    internal static TimeSpan? ParseTtl(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
            return null;
        string text = result.Tokens[0].Value.Trim();
        TimeSpan? value = null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            value = TimeSpan.FromSeconds(seconds);
        else if (text.Length > 1 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
            value = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
            value = span;

        if (value is null)
            result.AddError($"--ttl: '{text}' is not a duration (use seconds, 90s, 15m, 2h, 7d or hh:mm:ss)");
        else if (value < TimeSpan.FromSeconds(1))
            result.AddError($"--ttl: '{text}' is shorter than 1 second");
        return value;
    }

    private static string EndPointText(System.Net.EndPoint e) => e switch
    {
        System.Net.DnsEndPoint d => $"{d.Host}:{d.Port}",
        _ => e.ToString() ?? "?",
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    private sealed class SyncProgress(Action<FeatureLoadProgress> report) : IProgress<FeatureLoadProgress>
    {
        public void Report(FeatureLoadProgress value) => report(value);
    }
}
