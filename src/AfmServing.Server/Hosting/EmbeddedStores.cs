using AfmServing.Core.Features;
using AfmServing.Core.Manifest;
using Microsoft.Extensions.Options;

namespace AfmServing.Server.Hosting;

/// <summary>
/// Each model's embedded store, loaded from the entity files it ships, serves when no Redis is configured.
/// With Redis configured the shared store serves every model and no files are loaded.
/// </summary>
internal static class EmbeddedStores
{
    public static Func<string, ModelManifest, IFeatureStore?> Factory(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<FeatureStoreOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.Redis))
            return static (_, _) => null;
        return static (directory, manifest) =>
        {
            try
            {
                return InMemoryFeatureStoreFactory.LoadForModel(directory, manifest);
            }
            catch (Exception e) when (e is ArgumentException or EntityFileException or FileNotFoundException)
            {
                throw new InvalidDataException($"{directory}: entity files: {e.Message}", e);
            }
        };
    }
}
