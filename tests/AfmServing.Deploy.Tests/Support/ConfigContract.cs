namespace AfmServing.Deploy.Tests.Support;

/// <summary>
/// The service's configuration names as environment variables (ASP.NET Core configuration, <c>__</c> between
/// sections). Every env name the deployment files set must be one of these, so a typo cannot silently leave
/// a setting at its default. Keep in step with the server's options classes.
/// </summary>
public static class ConfigContract
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "Kestrel__Endpoints__Http__Url",
        "Kestrel__Endpoints__Grpc__Url",
        "Models__Root",
        "Models__Default",
        "Inference__Provider",
        "Inference__DeviceId",
        "Inference__GpuMemoryLimitBytes",
        "Inference__IntraOpThreads",
        "Batching__Enabled",
        "Batching__MaxBatchRows",
        "Batching__MaxDelayMicroseconds",
        "Batching__MaxQueueRows",
        "Batching__Workers",
        "FeatureStore__Redis",
        "FeatureStore__KeyPrefix",
        "FeatureStore__TimeoutMilliseconds",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_SERVICE_NAME",
        // Runtime: .NET's view of the CPU count, sized to the pod's request.
        "DOTNET_PROCESSOR_COUNT",
        // Chart-internal: the Redis password from a Secret, expanded into FeatureStore__Redis.
        "REDIS_PASSWORD",
    };

    private static readonly string[] Prefixes = ["Logging__LogLevel__"];

    public static bool IsKnown(string name) =>
        Names.Contains(name) || Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) && name.Length > p.Length);
}
