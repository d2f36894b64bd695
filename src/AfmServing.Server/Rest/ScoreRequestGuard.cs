using System.Buffers;
using System.Text;
using AfmServing.Api.V1;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace AfmServing.Server.Rest;

/// <summary>
/// Reads a <c>POST /v1/score</c> JSON body before JSON transcoding does, to give REST clients what transcoding
/// does not: 413 for a body over Kestrel's MaxRequestBodySize (transcoding catches Kestrel's 413 with every other
/// read error and answers 400), 400 naming the charset for an unknown one (transcoding answers 500), and 400
/// naming the field for unknown, repeated or mistyped properties (<see cref="ScoreJsonShape"/>). The body is then
/// handed on from a pooled buffer, in UTF-8.
/// </summary>
internal sealed class ScoreRequestGuard(RequestDelegate next, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions> kestrel)
{
    public const string Path = "/v1/score";

    /// <summary>Used when Kestrel sets no limit: Kestrel's own default.</summary>
    private const long FallbackLimit = 30_000_000;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // Other content types reach transcoding, which names the content type it cannot read.
        if (!HttpMethods.IsPost(request.Method) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !IsJson(mediaType))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        Encoding? charset = null;
        if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                charset = Encoding.GetEncoding(mediaType.Charset.Value!);
            }
            catch (ArgumentException)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, 3, $"Content-Type: charset '{Shown(mediaType.Charset.Value!)}' is not a known encoding; send UTF-8 JSON").ConfigureAwait(false);
                return;
            }
        }

        long limit = kestrel.Value.Limits.MaxRequestBodySize ?? FallbackLimit;
        // The guard counts bytes itself, so that it can read past the limit to drain an oversized body: an HTTP/1.1
        // client still sending when the connection closes sees a broken pipe, never the 413.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = null;
        if (request.ContentLength > limit)
        {
            await RejectTooLargeAsync(context, limit, request.ContentLength.Value).ConfigureAwait(false);
            return;
        }
        byte[]? buffer = null;
        try
        {
            int length;
            try
            {
                (buffer, length) = await ReadAllAsync(request, limit, context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // Kestrel's own limit, where it could not be lifted.
                await WriteTooLargeAsync(context, limit, drained: false).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            {
                // The client went away mid-body: nobody is left to answer.
                return;
            }
            if (length > limit)
            {
                // A chunked body crossed the limit while being read.
                await RejectTooLargeAsync(context, limit, null).ConfigureAwait(false);
                return;
            }

            ReadOnlyMemory<byte> body = buffer.AsMemory(0, length);
            if (charset is not null)
            {
                // Rare: re-encode once so the shape check and transcoding both read UTF-8.
                body = Encoding.UTF8.GetBytes(charset.GetString(body.Span));
                request.ContentType = "application/json; charset=utf-8";
            }
            else if (body.Span.StartsWith(Encoding.UTF8.Preamble))
            {
                body = body[Encoding.UTF8.Preamble.Length..];
            }

            string? error = ScoreJsonShape.Check(body.Span, ScoreRequest.Descriptor);
            if (error is not null)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, 3, error).ConfigureAwait(false);
                return;
            }
            request.Body = new ReadOnlyMemoryStream(body);
            request.ContentLength = body.Length;
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the whole body into a pooled buffer, stopping once it holds more than <paramref name="limit"/> bytes.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadAllAsync(HttpRequest request, long limit, CancellationToken token)
    {
        int size = (int)Math.Clamp(request.ContentLength ?? 16 * 1024, 1, Math.Min(limit + 1, Array.MaxLength - 1));
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        int length = 0;
        try
        {
            while (length <= limit)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await request.Body.ReadAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                if (read == 0)
                    return (buffer, length);
                length += read;
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Reads and drops the rest of an oversized body, up to as much again as the limit within a few seconds, so
    /// the client finishes sending and reads the 413; a body beyond that gets the 413 and a closed connection.
    /// </summary>
    private static async Task RejectTooLargeAsync(HttpContext context, long limit, long? contentLength)
    {
        bool drained = false;
        if (contentLength is null || contentLength <= 2 * limit)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(DrainTimeout);
            var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                long left = limit;
                int read;
                while (left > 0 && (read = await context.Request.Body.ReadAsync(scratch, timeout.Token).ConfigureAwait(false)) > 0)
                    left -= read;
                drained = left > 0;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                if (context.RequestAborted.IsCancellationRequested)
                    return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        await WriteTooLargeAsync(context, limit, drained).ConfigureAwait(false);
    }

    private static Task WriteTooLargeAsync(HttpContext context, long limit, bool drained)
    {
        if (!drained)
            context.Response.Headers.Connection = "close";
        // RESOURCE_EXHAUSTED, as gRPC answers a message over its size limit.
        return WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, 8, $"the request body exceeds the limit of {limit} bytes");
    }

    /// <summary>The google.rpc.Status JSON shape that JSON transcoding uses for its own errors.</summary>
    private static async Task WriteErrorAsync(HttpContext context, int status, int code, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new System.Text.Json.Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteStartArray("details");
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string Shown(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 64), "…");

    /// <summary>A read-only stream over memory the guard owns until the request ends.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => memory.Length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, memory.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => memory.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
