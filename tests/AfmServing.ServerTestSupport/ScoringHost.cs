using AfmServing.Api.V1;
using AfmServing.Core.Models;
using AfmServing.Server.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AfmServing.ServerTestSupport;

/// <summary>
/// The real service on real Kestrel, composed exactly as Program.cs composes it, on dynamic loopback ports,
/// with real HTTP/1.1 and gRPC (HTTP/2) clients.
/// </summary>
public sealed class ScoringHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private GrpcChannel? _channel;

    private ScoringHost(WebApplication app) => _app = app;

    public Uri HttpAddress { get; private set; } = null!;
    public Uri GrpcAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Scorer.ScorerClient Grpc { get; private set; } = null!;
    public GrpcChannel Channel => _channel!;
    public IServiceProvider Services => _app.Services;

    /// <param name="modelsRoot">Models:Root.</param>
    /// <param name="settings">Configuration that overrides the server's appsettings.json and the test defaults.</param>
    /// <param name="defaultModel">Models:Default.</param>
    /// <param name="configure">Runs after the service is registered, e.g. to add a logger provider that records.</param>
    public static async Task<ScoringHost> StartAsync(
        string modelsRoot, IDictionary<string, string?>? settings = null, string defaultModel = "test-afm", Action<WebApplicationBuilder>? configure = null)
    {
        // The server's appsettings.json (copied beside the test binaries) applies, so limits such as
        // Kestrel:Limits:MaxRequestBodySize are the production ones whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        // Port 0 would leave no way to tell the two endpoints apart in the address list.
        int httpPort = FreePort(), grpcPort = FreePort();
        var config = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Models:Root"] = modelsRoot,
            ["Models:Default"] = defaultModel,
            ["Models:ReloadIntervalSeconds"] = "0",
            ["Inference:Provider"] = "cpu",
            // Tests check answers, not the 1 s production default deadline; a busy CI machine can exceed it.
            ["Scoring:DefaultTimeoutMilliseconds"] = "30000",
            ["Inference:WarmupBatchSizes:0"] = "1",
        };
        if (settings is not null)
            foreach (var (k, v) in settings)
                config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddScoring(builder.Configuration);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapScoringApi();
        var host = new ScoringHost(app);
        await app.StartAsync().ConfigureAwait(false);
        host.HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        host.GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        host.Http = new HttpClient { BaseAddress = host.HttpAddress };
        host._channel = GrpcChannel.ForAddress(host.GrpcAddress);
        host.Grpc = new Scorer.ScorerClient(host._channel);
        await host.WaitReadyAsync().ConfigureAwait(false);
        return host;
    }

    public async Task WaitReadyAsync()
    {
        var registry = _app.Services.GetRequiredService<ModelRegistry>();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!registry.IsReady)
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException("the default model did not load within 60 s");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public async Task StopAsync() => await _app.StopAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        _channel?.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
