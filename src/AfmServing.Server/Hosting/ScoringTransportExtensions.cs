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
