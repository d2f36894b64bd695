using AfmServing.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AfmServing.Server.Hosting;

/// <summary>OpenTelemetry: traces and metrics of the service; Prometheus scrape always, OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
internal static class ScoringTelemetryExtensions
{
    public static IServiceCollection AddScoringTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("afm-serving"))
            .WithMetrics(m => m
                .AddMeter(AfmTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(t => t
                .AddSource(AfmTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/metrics") && !ctx.Request.Path.StartsWithSegments("/healthz")));
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return services;
    }
}
