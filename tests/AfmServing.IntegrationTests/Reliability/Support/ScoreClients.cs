using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>An answer from either transport, reduced to what the reliability invariants look at.</summary>
public sealed record Answer(int HttpStatus, Grpc.Core.StatusCode? GrpcStatus, string? Message, string RawBody, float[]? Probabilities, TimeSpan Elapsed)
{
    public override string ToString() => $"HTTP {HttpStatus}, gRPC {GrpcStatus?.ToString() ?? "-"}, message '{Message}', body '{(RawBody.Length > 300 ? RawBody[..300] + "…" : RawBody)}'";
}

/// <summary>Plain HTTP clients for the REST endpoint and for hand-made gRPC frames over h2c.</summary>
public static class ScoreClients
{
    public static HttpClient Rest(Uri address) => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>HTTP/2 with prior knowledge over cleartext, as gRPC clients speak to the h2c endpoint.</summary>
    public static HttpClient H2c(Uri address) => new(new SocketsHttpHandler())
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>POSTs <paramref name="body"/> to /v1/score and reads the answer (an error body's message, a success's probabilities).</summary>
    public static async Task<Answer> PostScoreAsync(HttpClient http, byte[] body, string? contentType, bool chunked = false)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.PostAsync("/v1/score", content);
        string text = await response.Content.ReadAsStringAsync();
        started.Stop();
        string? message = null;
        float[]? probabilities = null;
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("message", out var m))
                    message = m.GetString();
                if ((int)response.StatusCode == 200 && json.RootElement.TryGetProperty("scores", out var scores))
                    probabilities = [.. scores.EnumerateArray().Select(s => s.TryGetProperty("probability", out var p) ? p.GetSingle() : 0f)];
            }
        }
        catch (JsonException)
        {
            // Left null: the invariants then report a body that is not JSON.
        }
        return new Answer((int)response.StatusCode, null, message, text, probabilities, started.Elapsed);
    }

    /// <summary>Sends raw gRPC request bytes to /afm.v1.Scorer/Score over h2c and reads grpc-status and grpc-message.</summary>
    public static async Task<Answer> PostGrpcFramesAsync(HttpClient h2c, byte[] frames, string contentType, IReadOnlyDictionary<string, string>? headers = null, string path = "/afm.v1.Scorer/Score")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(frames),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (headers is not null)
            foreach (var (k, v) in headers)
                request.Headers.TryAddWithoutValidation(k, v);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await h2c.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        started.Stop();
        string? status = Header(response, "grpc-status");
        string? message = Header(response, "grpc-message");
        Grpc.Core.StatusCode? code = status is null ? null : (Grpc.Core.StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
        float[]? probabilities = null;
        if (code == Grpc.Core.StatusCode.OK && body.Length >= 5)
            probabilities = [.. Api.V1.ScoreResponse.Parser.ParseFrom(body.AsSpan(5).ToArray()).Scores.Select(s => s.Probability)];
        return new Answer((int)response.StatusCode, code, message is null ? null : Uri.UnescapeDataString(message), Convert.ToHexString(body.AsSpan(0, Math.Min(64, body.Length))), probabilities, started.Elapsed);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.FirstOrDefault()
        : response.Headers.TryGetValues(name, out var h) ? h.FirstOrDefault()
        : null;

    /// <summary>Content of unknown length, so HttpClient sends it chunked (as streaming JSON serialisers do).</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
