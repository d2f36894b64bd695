using AfmServing.Deploy.Tests.Support;
using H = AfmServing.Deploy.Tests.Support.Helm;

namespace AfmServing.Deploy.Tests.Helm;

public class ScalingTemplateTests
{
    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Hpa_ScalesTheDeploymentOnCpu(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var deployment = docs.Resource("Deployment");
        var hpa = docs.Resource("HorizontalPodAutoscaler");

        Assert.Equal("autoscaling/v2", hpa.Str("apiVersion"));
        Assert.Equal("Deployment", hpa.Str("spec", "scaleTargetRef", "kind"));
        Assert.Equal(deployment.Str("metadata", "name"), hpa.Str("spec", "scaleTargetRef", "name"));
        Assert.Contains(hpa.Maps("spec", "metrics"), m => m.StrOrNull("resource", "name") == "cpu");
        Assert.True(int.Parse(hpa.Str("spec", "minReplicas")) <= int.Parse(hpa.Str("spec", "maxReplicas")));
        // The HPA owns the replica count; a fixed one would fight it on every upgrade.
        Assert.Null(deployment.At("spec", "replicas"));
    }

    [Fact]
    public void Hpa_QueueDepthEnabled_AddsPerPodCustomMetric()
    {
        var metrics = H.Template(H.Gpu).Resource("HorizontalPodAutoscaler").Maps("spec", "metrics").ToList();

        var pods = metrics.Single(m => m.Str("type") == "Pods");
        Assert.False(string.IsNullOrEmpty(pods.Str("pods", "metric", "name")));
        Assert.Equal("AverageValue", pods.Str("pods", "target", "type"));
        Assert.DoesNotContain(H.Template(H.Default).Resource("HorizontalPodAutoscaler").Maps("spec", "metrics"), m => m.Str("type") == "Pods");
    }

    [Fact]
    public void Hpa_Disabled_DeploymentHasFixedReplicas()
    {
        var docs = H.Template(H.Default, "--set", "autoscaling.enabled=false", "--set", "replicaCount=3");

        Assert.Empty(docs.Resources("HorizontalPodAutoscaler"));
        Assert.Equal("3", docs.Resource("Deployment").Str("spec", "replicas"));
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Pdb_CoversTheDeploymentsPods(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var pdb = docs.Resource("PodDisruptionBudget");

        Assert.Equal("policy/v1", pdb.Str("apiVersion"));
        Assert.Equal(docs.Resource("Deployment").Map("spec", "selector", "matchLabels"), pdb.Map("spec", "selector", "matchLabels"));
        Assert.True(pdb.At("spec", "maxUnavailable") is not null ^ pdb.At("spec", "minAvailable") is not null);
    }

    [Fact]
    public void RollingUpdate_KeepsEveryReadyPodUntilItsReplacementIsReady()
    {
        var strategy = H.Template(H.Default).Resource("Deployment").Map("spec", "strategy");

        Assert.Equal("0", strategy.Str("rollingUpdate", "maxUnavailable"));
    }
}
