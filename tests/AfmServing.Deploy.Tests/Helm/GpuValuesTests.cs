using AfmServing.Deploy.Tests.Support;
using H = AfmServing.Deploy.Tests.Support.Helm;

namespace AfmServing.Deploy.Tests.Helm;

public class GpuValuesTests
{
    [Fact]
    public void Gpu_LimitsNodeSelectorAndTolerations_TargetNvidiaNodes()
    {
        var docs = H.Template(H.Gpu);
        var pod = docs.Resource("Deployment").Map("spec", "template", "spec");

        Assert.Equal("1", docs.ServerContainer().Str("resources", "limits", "nvidia.com/gpu"));
        Assert.Equal("true", pod.Str("nodeSelector", "nvidia.com/gpu.present"));
        Assert.Contains(pod.Maps("tolerations"), t => t.StrOrNull("key") == "nvidia.com/gpu" && t.StrOrNull("effect") == "NoSchedule");
    }

    [Fact]
    public void Gpu_ProviderIsCudaAndImageIsTheGpuVariant()
    {
        var docs = H.Template(H.Gpu);

        Assert.Equal("cuda", docs.Resource("ConfigMap").Str("data", "Inference__Provider"));
        Assert.EndsWith("-gpu", docs.ServerContainer().Str("image"));
    }

    [Theory]
    [InlineData(H.Default)]
    [InlineData(H.ExternalRedis)]
    public void NonGpu_HasNoGpuResourcesNodeSelectorOrTolerations(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var pod = docs.Resource("Deployment").Map("spec", "template", "spec");
        var limits = docs.ServerContainer().At("resources", "limits") as Dictionary<object, object> ?? [];

        Assert.DoesNotContain(limits.Keys.Cast<string>(), k => k.Contains("gpu", StringComparison.Ordinal));
        Assert.Null(pod.At("nodeSelector"));
        Assert.Null(pod.At("tolerations"));
        Assert.Null(pod.At("runtimeClassName"));
        Assert.Equal("cpu", docs.Resource("ConfigMap").Str("data", "Inference__Provider"));
        Assert.EndsWith("-cpu", docs.ServerContainer().Str("image"));
    }

    [Fact]
    public void Gpu_KeepsUserNodeSelectorAndTolerations()
    {
        var docs = H.Template(H.Gpu, "--set", "nodeSelector.pool=scoring", "--set", "tolerations[0].key=dedicated", "--set", "tolerations[0].operator=Exists");
        var pod = docs.Resource("Deployment").Map("spec", "template", "spec");

        Assert.Equal("scoring", pod.Str("nodeSelector", "pool"));
        Assert.Equal("true", pod.Str("nodeSelector", "nvidia.com/gpu.present"));
        Assert.Equal(["dedicated", "nvidia.com/gpu"], pod.Maps("tolerations").Select(t => t.Str("key")));
    }
}
