using AfmServing.Core.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AfmServing.Server.Health;

/// <summary>Ready once the default model is loaded and warmed.</summary>
internal sealed class ModelReadinessCheck(ModelRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = registry.Versions.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        return Task.FromResult(registry.IsReady
            ? HealthCheckResult.Healthy($"serving {registry.DefaultModel}", data)
            : HealthCheckResult.Unhealthy($"default model {registry.DefaultModel} not loaded yet", data: data));
    }
}
