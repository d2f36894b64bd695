using System.CommandLine;
using AfmServing.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace AfmServing.Cli.Commands;

/// <summary>
/// <c>afm score</c>: sends one ScoreRequest, written as the same JSON the REST API takes, over gRPC and prints
/// the response as JSON. The gRPC counterpart of the README's curl example.
/// </summary>
internal static class ScoreCommand
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation());

    public static Command Create()
    {
        var address = new Option<string>("--grpc") { Description = "gRPC address of the service (h2c)", DefaultValueFactory = _ => "http://localhost:8081" };
        var json = new Option<string?>("--json") { Description = "The request as JSON (proto3 JSON mapping, as POST /v1/score takes it)" };
        var file = new Option<string?>("--file") { Description = "Read the JSON request from this file ('-' for standard input)" };
        var deadline = new Option<double>("--deadline-ms") { Description = "gRPC deadline in milliseconds", DefaultValueFactory = _ => 2000 };
        var command = new Command("score", "Score candidates over gRPC: send a JSON ScoreRequest, print the ScoreResponse")
        {
            address, json, file, deadline,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string? text = parse.GetValue(json);
            string? path = parse.GetValue(file);
            if (text is null && path is null)
            {
                error.WriteLine("error: give the request with --json or --file");
                return CommandGuard.Failed;
            }
            try
            {
                text ??= path == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(path!, ct);
                var request = JsonParser.Default.Parse<ScoreRequest>(text);
                using var channel = GrpcChannel.ForAddress(parse.GetRequiredValue(address));
                var client = new Scorer.ScorerClient(channel);
                var response = await client.ScoreAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(parse.GetValue(deadline)), cancellationToken: ct);
                output.WriteLine(Formatter.Format(response));
                return CommandGuard.Ok;
            }
            catch (InvalidProtocolBufferException e)
            {
                error.WriteLine($"error: the request is not a valid ScoreRequest JSON: {e.Message}");
                return CommandGuard.Failed;
            }
            catch (RpcException e)
            {
                error.WriteLine($"error: {e.StatusCode}: {e.Status.Detail}");
                return CommandGuard.Failed;
            }
            catch (Exception e) when (e is IOException or UriFormatException or HttpRequestException)
            {
                error.WriteLine($"error: {e.Message}");
                return CommandGuard.Failed;
            }
        });
        return command;
    }
}
