using AfmServing.Core.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AfmServing.Server.Health;

/// <summary>
/// Reports the shared feature store's state. A store that is down is Degraded, not Unhealthy: the service still
/// scores with request features, so it must stay ready.
/// </summary>
internal sealed class FeatureStoreCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = services.GetService<IFeatureStore>();
        if (store is null)
            return Task.FromResult(HealthCheckResult.Healthy("embedded in-memory store (no Redis configured)"));
        var health = store.GetHealth();
        return Task.FromResult(health.Healthy
            ? HealthCheckResult.Healthy($"{health.Store}: {health.Detail}")
            : HealthCheckResult.Degraded($"{health.Store}: {health.Detail}; scoring continues with request features"));
    }
}
