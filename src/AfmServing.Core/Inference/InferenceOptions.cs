using System.ComponentModel.DataAnnotations;

namespace AfmServing.Core.Inference;

/// <summary>ONNX Runtime settings (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary><c>auto</c> (CUDA when it loads, else CPU), <c>cuda</c> (fail when CUDA cannot load) or <c>cpu</c>. Default auto.</summary>
    [RegularExpression("^(auto|cuda|cpu)$", ErrorMessage = "Inference:Provider must be auto, cuda or cpu")]
    public string Provider { get; set; } = "auto";

    /// <summary>CUDA device ordinal. Default 0.</summary>
    [Range(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>CUDA memory arena limit in bytes; 0 means no limit. Default 0.</summary>
    [Range(0, long.MaxValue)]
    public long GpuMemoryLimitBytes { get; set; }

    /// <summary>Threads one model run may use on CPU. Default 1: parallelism comes from batch workers.</summary>
    [Range(1, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Batch sizes (rows) run once at load, before readiness turns true. Default 1, 64 and MaxBatchRows.</summary>
    public int[] WarmupBatchSizes { get; set; } = [1, 16, 64, 256];
}
