using AfmServing.Api.V1;
using Grpc.Core;

namespace AfmServing.IntegrationTests.Reliability.BadInput;

/// <summary>How a catalogue case reaches the server.</summary>
public enum Via
{
    /// <summary>POST /v1/score over HTTP/1.1 with the case's body bytes and content type.</summary>
    Rest,

    /// <summary>The generated gRPC client with a typed ScoreRequest.</summary>
    Grpc,

    /// <summary>Hand-made gRPC frames over HTTP/2 (h2c), for bytes no generated client would send.</summary>
    RawGrpc,
}

/// <summary>
/// The answer a case must get: an HTTP status (REST) or a gRPC status, and a fragment its message must contain.
/// Status 200 / OK means the input is legal and must be scored (every probability finite, in [0, 1]).
/// </summary>
public sealed record Expected(int HttpStatus, StatusCode GrpcStatus, string? Fragment)
{
    public bool Success => HttpStatus == 200 && GrpcStatus == StatusCode.OK;

    public static Expected Http(int status, string fragment) => new(status, StatusCode.OK, fragment);

    public static Expected Rpc(StatusCode status, string fragment) => new(200, status, fragment);

    public static Expected Scored(string why) => new(200, StatusCode.OK, why);

    /// <summary>The answer as the reliability doc writes it.</summary>
    public string Describe(Via via) => Success
        ? $"scored ({(via == Via.Rest ? "200" : "OK")}): {Fragment}"
        : via == Via.Rest
            ? $"{HttpStatus}, message contains `{Fragment}`"
            : $"{GrpcStatus}, message contains `{Fragment}`";
}

/// <summary>One bad (or surprising but legal) request and the answer it must get.</summary>
public sealed class BadRequestCase
{
    public required string Name { get; init; }

    /// <summary>What is sent, in words, for the doc's table.</summary>
    public required string Sent { get; init; }

    public required Via Via { get; init; }

    public required Expected Expect { get; init; }

    /// <summary>REST: the body bytes.</summary>
    public byte[]? Body { get; init; }

    /// <summary>REST: the Content-Type header, or null for none.</summary>
    public string? ContentType { get; init; } = "application/json";

    /// <summary>REST: send the body with chunked transfer encoding (no Content-Length), as streaming JSON clients do.</summary>
    public bool Chunked { get; init; }

    /// <summary>gRPC: the typed request.</summary>
    public Func<ScoreRequest>? Request { get; init; }

    /// <summary>Raw gRPC: the HTTP/2 request body (frames included).</summary>
    public byte[]? Frames { get; init; }

    /// <summary>Raw gRPC: the request's content type.</summary>
    public string GrpcContentType { get; init; } = "application/grpc";

    /// <summary>Raw gRPC: extra request headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Candidates a successful answer must hold scores for.</summary>
    public int Candidates { get; init; } = 1;

    public override string ToString() => Name;
}
