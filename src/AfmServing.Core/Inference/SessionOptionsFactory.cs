using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace AfmServing.Core.Inference;

/// <summary>
/// Builds session options for the configured provider. With <c>auto</c>, CUDA is tried once per process and
/// the outcome remembered, so a machine without a GPU logs one line, not one per model.
/// </summary>
public sealed partial class SessionOptionsFactory
{
    private readonly InferenceOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private bool? _cudaWorks;

    public SessionOptionsFactory(InferenceOptions options, ILogger<SessionOptionsFactory> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The provider sessions run on after the first <see cref="Create"/>: <c>cuda</c> or <c>cpu</c>.</summary>
    public string ActiveProvider { get; private set; } = "cpu";

    public (SessionOptions Options, string Provider) Create()
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
        // Spinning threads burn the cores the batcher and Kestrel need between runs.
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (_options.Provider == "cpu")
            return (so, ActiveProvider = "cpu");

        lock (_gate)
        {
            if (_cudaWorks != false)
            {
                try
                {
                    using var cuda = new OrtCUDAProviderOptions();
                    var settings = new Dictionary<string, string> { ["device_id"] = _options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    if (_options.GpuMemoryLimitBytes > 0)
                        settings["gpu_mem_limit"] = _options.GpuMemoryLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    cuda.UpdateOptions(settings);
                    so.AppendExecutionProvider_CUDA(cuda);
                    if (_cudaWorks is null)
                        LogCuda(_logger, _options.DeviceId);
                    _cudaWorks = true;
                    return (so, ActiveProvider = "cuda");
                }
                catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                {
                    if (_options.Provider == "cuda")
                    {
                        so.Dispose();
                        throw new InvalidOperationException($"Inference:Provider is cuda but the CUDA provider cannot load: {e.Message}", e);
                    }
                    _cudaWorks = false;
                    LogCpuFallback(_logger, e.Message);
                }
            }
        }
        return (so, ActiveProvider = "cpu");
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Inference runs on the CUDA execution provider, device {DeviceId}")]
    private static partial void LogCuda(ILogger logger, int deviceId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "CUDA execution provider unavailable, falling back to CPU: {Reason}")]
    private static partial void LogCpuFallback(ILogger logger, string reason);
}
