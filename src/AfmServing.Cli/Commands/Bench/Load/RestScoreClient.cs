using System.Net;
using System.Net.Http.Headers;

namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>
/// Calls <c>POST /v1/score</c> over HTTP/1.1 with prepared proto3 JSON bodies (one connection per concurrent
/// call, as HTTP/1.1 needs). A reply is a success when it is 200 and names one item per candidate; the body is
/// scanned, not parsed, so the client spends little of the CPU it shares with the server.
/// </summary>
public sealed class RestScoreClient : IScoreClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] ItemIdKey = "\"itemId\""u8.ToArray();
    private static readonly byte[] Degraded = "\"featuresDegraded\":true"u8.ToArray();

    private readonly HttpClient _http;
    private readonly byte[][] _bodies;
    private readonly int[] _candidates;
    private readonly Uri _score;
    private readonly string[] _statusNames = new string[600];

    public RestScoreClient(Uri baseAddress, byte[][] bodies, int[] candidatesPerBody, TimeSpan? deadline)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentNullException.ThrowIfNull(candidatesPerBody);
        _bodies = bodies;
        _candidates = candidatesPerBody;
        _score = new Uri(baseAddress, "/v1/score");
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = deadline ?? System.Threading.Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
        };
        for (int i = 0; i < _statusNames.Length; i++)
            _statusNames[i] = $"HTTP {i}";
    }

    public string Protocol => "rest";

    public int PoolSize => _bodies.Length;

    public async Task<string> SendAsync(int index, CancellationToken cancellationToken)
    {
        int k = index % _bodies.Length;
        using var content = new ByteArrayContent(_bodies[k]);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _score) { Content = content };
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status != 200)
                return status is > 0 and < 600 ? _statusNames[status] : $"HTTP {status}";
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (CountItems(body) != _candidates[k])
                return "bad reply";
            return body.AsSpan().IndexOf(Degraded) >= 0 ? LatencyRecorder.OkDegraded : LatencyRecorder.Ok;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timeout";
        }
        catch (HttpRequestException)
        {
            return "connection error";
        }
    }

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(_bodies[0]);
        content.Headers.ContentType = Json;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            using var response = await _http.PostAsync(_score, content, limit.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
                return $"HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}";
            int items = CountItems(body);
            return items == _candidates[0] ? null : $"the reply names {items} items for {_candidates[0]} candidates";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"cannot connect: {e.Message}";
        }
    }

    internal static int CountItems(ReadOnlySpan<byte> body)
    {
        int count = 0;
        int at;
        while ((at = body.IndexOf(ItemIdKey)) >= 0)
        {
            count++;
            body = body[(at + ItemIdKey.Length)..];
        }
        return count;
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
