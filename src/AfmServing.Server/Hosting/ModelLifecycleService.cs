using AfmServing.Core.Models;
using Microsoft.Extensions.Options;

namespace AfmServing.Server.Hosting;

/// <summary>Loads and warms the models after start-up (readiness follows), then looks for new versions periodically.</summary>
internal sealed partial class ModelLifecycleService(
    ModelRegistry registry,
    IOptions<ModelsOptions> options,
    TimeProvider time,
    ILogger<ModelLifecycleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RefreshAsync(stoppingToken).ConfigureAwait(false);
        int seconds = options.Value.ReloadIntervalSeconds;
        if (seconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
    }

    private async Task RefreshAsync(CancellationToken token)
    {
        try
        {
            await registry.RefreshAsync(token).ConfigureAwait(false);
            if (!registry.IsReady)
                LogDefaultMissing(logger, registry.DefaultModel, registry.Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogScanFailed(logger, registry.Root, e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Default model {Model} is not loaded from {Root}; the service stays unready")]
    private static partial void LogDefaultMissing(ILogger logger, string model, string root);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Cannot scan models under {Root}: {Reason}")]
    private static partial void LogScanFailed(ILogger logger, string root, string reason);
}
