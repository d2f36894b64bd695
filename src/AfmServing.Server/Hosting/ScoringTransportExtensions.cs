namespace AfmServing.Server.Hosting;

/// <summary>gRPC, JSON transcoding (REST) and reflection.</summary>
internal static class ScoringTransportExtensions
{
    public static IServiceCollection AddScoringTransport(this IServiceCollection services)
    {
        services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
        }).AddJsonTranscoding();
        services.AddGrpcReflection();
        return services;
    }
}
