namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>Sends request <c>index</c> of a prepared pool and says how it ended; never throws for a failed call.</summary>
public interface IScoreClient : IAsyncDisposable
{
    /// <summary><c>grpc</c> or <c>rest</c>.</summary>
    string Protocol { get; }

    /// <summary>Requests in the pool; the load loop sends index modulo this.</summary>
    int PoolSize { get; }

    /// <summary><see cref="LatencyRecorder.Ok"/>, or the failure's status (gRPC status name, <c>HTTP nnn</c>, <c>timeout</c>, ...).</summary>
    Task<string> SendAsync(int index, CancellationToken cancellationToken);

    /// <summary>Sends the first request once; null when it succeeds, else the server's status and message (to stop a bench that cannot work).</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}
