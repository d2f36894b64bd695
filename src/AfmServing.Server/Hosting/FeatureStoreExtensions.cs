using AfmServing.Core.Features;
using AfmServing.Core.Features.Redis;
using Microsoft.Extensions.Options;

namespace AfmServing.Server.Hosting;

/// <summary>Registers the shared Redis feature store when <c>FeatureStore:Redis</c> is set.</summary>
internal static class FeatureStoreExtensions
{
    public static IServiceCollection AddFeatureStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FeatureStoreOptions>()
            .Bind(configuration.GetSection(FeatureStoreOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeatureStoreOptions>, FeatureStoreOptionsValidator>();
        if (string.IsNullOrWhiteSpace(configuration[$"{FeatureStoreOptions.SectionName}:Redis"]))
            return services;
        // Connect returns while Redis is down; the multiplexer reconnects in the background.
        services.AddSingleton<IFeatureStore>(sp => RedisFeatureStore.Connect(
            sp.GetRequiredService<IOptions<FeatureStoreOptions>>().Value,
            sp.GetRequiredService<ILogger<RedisFeatureStore>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
