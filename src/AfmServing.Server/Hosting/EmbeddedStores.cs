using AfmServing.Core.Features;
using AfmServing.Core.Manifest;

namespace AfmServing.Server.Hosting;

/// <summary>Builds each model's embedded (in-memory) feature store from the entity files it ships.</summary>
internal static class EmbeddedStores
{
    public static Func<string, ModelManifest, IFeatureStore?> Factory(IServiceProvider services) =>
        (directory, manifest) => null;
}
