using System.Text.Json;
using AfmServing.TestSupport;

namespace AfmServing.Deploy.Tests.Support;

/// <summary>The Kestrel endpoints the server declares in src/AfmServing.Server/appsettings.json.</summary>
public static class AppSettings
{
    private static readonly Lazy<Dictionary<string, Uri>> Endpoints = new(Load);

    public static Uri HttpEndpoint => Endpoint("Http");

    public static Uri GrpcEndpoint => Endpoint("Grpc");

    public static int HttpPort => HttpEndpoint.Port;

    public static int GrpcPort => GrpcEndpoint.Port;

    public static string HttpUrl => Url("Http");

    public static string GrpcUrl => Url("Grpc");

    private static Uri Endpoint(string name) =>
        Endpoints.Value.TryGetValue(name, out var uri)
            ? uri
            : throw new Xunit.Sdk.XunitException($"appsettings.json has no Kestrel:Endpoints:{name}:Url");

    private static string Url(string name) => Endpoint(name).OriginalString;

    private static Dictionary<string, Uri> Load()
    {
        var path = RepoPaths.Path("src", "AfmServing.Server", "appsettings.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var result = new Dictionary<string, Uri>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("Kestrel", out var kestrel) && kestrel.TryGetProperty("Endpoints", out var endpoints))
        {
            foreach (var ep in endpoints.EnumerateObject())
            {
                if (ep.Value.TryGetProperty("Url", out var url) && url.GetString() is { } text)
                    result[ep.Name] = new Uri(text);
            }
        }
        return result;
    }
}
