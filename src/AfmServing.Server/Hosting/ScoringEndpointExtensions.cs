using AfmServing.Server.Grpc;
using AfmServing.Server.Health;
using AfmServing.Server.Rest;

namespace AfmServing.Server.Hosting;

/// <summary>Maps the scoring API, health and metrics endpoints.</summary>
public static class ScoringEndpointExtensions
{
    public static WebApplication MapScoringApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(
            static context => context.Request.Path.Equals(ScoreRequestGuard.Path, StringComparison.Ordinal),
            static branch => branch.UseMiddleware<ScoreRequestGuard>());
        app.MapGrpcService<ScorerService>();
        app.MapGrpcReflectionService();
        app.MapScoringHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        return app;
    }
}
