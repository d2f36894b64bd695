using System.Net;
using AfmServing.Api.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>
/// Calls <c>afm.v1.Scorer/Score</c> over h2c through N channels (one HTTP/2
/// connection each, requests spread round-robin). A reply is a success only when it carries one score per candidate.
/// </summary>
public sealed class GrpcScoreClient : IScoreClient
{
    private static readonly Dictionary<StatusCode, string> StatusNames = Enum.GetValues<StatusCode>().ToDictionary(c => c, c => c.ToString());

    private readonly GrpcChannel[] _channels;
    private readonly Scorer.ScorerClient[] _clients;
    private readonly IReadOnlyList<ScoreRequest> _requests;
    private readonly TimeSpan? _deadline;

    public GrpcScoreClient(Uri address, IReadOnlyList<ScoreRequest> requests, int connections, TimeSpan? deadline)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _requests = requests;
        _deadline = deadline;
        _channels = new GrpcChannel[connections];
        _clients = new Scorer.ScorerClient[connections];
        for (int i = 0; i < connections; i++)
        {
            _channels[i] = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    // One connection per channel, as --connections says: past the server's streams-per-connection
                    // limit calls wait in the client (and the wait counts in their latency) instead of opening more
                    // connections, so Kestrel's Http2:MaxStreamsPerConnection bounds the work the server takes on.
                    EnableMultipleHttp2Connections = false,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                    UseProxy = false,
                    AutomaticDecompression = DecompressionMethods.None,
                },
                DisposeHttpClient = true,
                MaxReceiveMessageSize = 64 * 1024 * 1024,
            });
            _clients[i] = new Scorer.ScorerClient(_channels[i]);
        }
    }

    public string Protocol => "grpc";

    public int PoolSize => _requests.Count;

    public async Task<string> SendAsync(int index, CancellationToken cancellationToken)
    {
        var request = _requests[index % _requests.Count];
        var client = _clients[index % _clients.Length];
        try
        {
            var reply = await client.ScoreAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (reply.Scores.Count != request.Candidates.Count)
                return "bad reply";
            return reply.FeaturesDegraded ? LatencyRecorder.OkDegraded : LatencyRecorder.Ok;
        }
        catch (RpcException e)
        {
            return StatusNames.TryGetValue(e.StatusCode, out var name) ? name : e.StatusCode.ToString();
        }
        catch (HttpRequestException)
        {
            return "connection error";
        }
    }

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var request = _requests[0];
        try
        {
            var reply = await _clients[0].ScoreAsync(request, deadline: Deadline() ?? DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
            return reply.Scores.Count == request.Candidates.Count ? null : $"the reply holds {reply.Scores.Count} scores for {request.Candidates.Count} candidates";
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode}: {e.Status.Detail}";
        }
        catch (HttpRequestException e)
        {
            return $"cannot connect: {e.Message}";
        }
    }

    private DateTime? Deadline() => _deadline is { } d ? DateTime.UtcNow.Add(d) : null;

    public ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
            channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
