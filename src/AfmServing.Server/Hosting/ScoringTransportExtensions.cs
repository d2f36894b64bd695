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
        // OpenAPI for the REST face of the API, generated from the proto (and its comments) by the transcoding metadata.
        services.AddGrpcSwagger();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new() { Title = "AfmServing scoring API", Version = "v1", Description = "POST /v1/score: click probabilities for candidate ads (proto3 JSON mapping of afm.v1.Scorer/Score)." });
            string xml = Path.Combine(AppContext.BaseDirectory, "AfmServing.Server.xml");
            if (File.Exists(xml))
                o.IncludeGrpcXmlComments(xml, includeControllerXmlComments: true);
        });
        return services;
    }
}
