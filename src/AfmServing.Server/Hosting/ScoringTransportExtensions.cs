namespace AfmServing.Server.Hosting;

/// <summary>Kestrel limits, gRPC, JSON transcoding (REST) and reflection.</summary>
internal static class ScoringTransportExtensions
{
    public static IServiceCollection AddScoringTransport(this IServiceCollection services, IConfiguration configuration)
    {
        // Kestrel binds only its endpoints from configuration, never Kestrel:Limits (dotnet/aspnetcore#4765):
        // without this the request-size and HTTP/2 stream limits of appsettings.json would be silently ignored.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            o => configuration.GetSection("Kestrel:Limits").Bind(o.Limits));
        services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
        })
        // The scorer catches every exception of its own (mapping them to statuses with safe messages), so what
        // still reaches gRPC is a request message that cannot be decoded: say why, not only "exception thrown".
        .AddServiceOptions<Grpc.ScorerService>(o => o.EnableDetailedErrors = true)
        .AddJsonTranscoding();
        services.AddGrpcReflection();
        return services;
    }
}
