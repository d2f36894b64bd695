using AfmServing.Core.Batching;
using AfmServing.Core.Features;
using AfmServing.Core.Inference;
using AfmServing.Core.Manifest;
using AfmServing.Core.Models;
using AfmServing.Core.Scoring;
using AfmServing.Core.Telemetry;
using AfmServing.Server.Health;
using Microsoft.Extensions.Options;

namespace AfmServing.Server.Hosting;

/// <summary>Registers everything the scoring service needs; Program.cs only calls this and <see cref="ScoringEndpointExtensions.MapScoringApi"/>.</summary>
public static class ScoringServiceCollectionExtensions
{
    /// <summary>How long shutdown waits for in-flight requests (HostOptions.ShutdownTimeout).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    public static IServiceCollection AddScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<ModelsOptions>(configuration, ModelsOptions.SectionName);
        services.AddValidatedOptions<InferenceOptions>(configuration, InferenceOptions.SectionName);
        services.AddValidatedOptions<BatchingOptions>(configuration, BatchingOptions.SectionName);
        services.AddValidatedOptions<ScoringOptions>(configuration, ScoringOptions.SectionName);
        services.AddFeatureStore(configuration);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ScoringMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp => new SessionOptionsFactory(
            sp.GetRequiredService<IOptions<InferenceOptions>>().Value,
            sp.GetRequiredService<ILogger<SessionOptionsFactory>>()));
        services.AddSingleton(sp => new ModelLoader(
            sp.GetRequiredService<SessionOptionsFactory>(),
            sp.GetRequiredService<IOptions<BatchingOptions>>().Value,
            sp.GetRequiredService<IOptions<InferenceOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ScoringMetrics>(),
            EmbeddedStores.Factory(sp)));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ModelsOptions>>().Value;
            var env = sp.GetRequiredService<IHostEnvironment>();
            return new ModelRegistry(
                ResolveRoot(options.Root, env),
                options.Default,
                sp.GetRequiredService<ModelLoader>(),
                sp.GetRequiredService<ScoringMetrics>(),
                sp.GetRequiredService<ILogger<ModelRegistry>>());
        });
        services.AddSingleton(sp => new ScoringService(
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetService<IFeatureStore>(),
            sp.GetRequiredService<IOptions<ScoringOptions>>().Value,
            sp.GetRequiredService<ScoringMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ScoringService>>()));
        services.AddHostedService<ModelLifecycleService>();
        // SIGTERM: Kestrel stops accepting and drains in-flight requests for at most this long, then hosted services
        // stop and the container disposes the registry (models retire once their last run ends). 25 s fits the 30 s
        // Kubernetes default grace period; the chart allows 45 s, 10 of them spent in preStop. The host's own
        // "shutdownTimeoutSeconds" setting still wins when it is given.
        if (configuration["shutdownTimeoutSeconds"] is null)
            services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

        services.AddScoringTransport(configuration);
        services.AddScoringHealthChecks();
        services.AddScoringTelemetry(configuration);
        return services;
    }

    /// <summary>Binds a section, validates data annotations and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> at start-up.</summary>
    internal static void AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>Relative roots are found beside the executable first (published image), then under the content root, then up the tree (dotnet run from the repo).</summary>
    internal static string ResolveRoot(string root, IHostEnvironment env)
    {
        if (Path.IsPathRooted(root))
            return root;
        foreach (var start in new[] { AppContext.BaseDirectory, env.ContentRootPath })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, root);
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        return Path.Combine(env.ContentRootPath, root);
    }
}
