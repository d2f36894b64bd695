using AfmServing.Deploy.Tests.Support;
using H = AfmServing.Deploy.Tests.Support.Helm;

namespace AfmServing.Deploy.Tests.Helm;

public class FeatureLoaderJobTests
{
    [Fact]
    public void FeatureLoader_ExternalRedis_RunsTheBundledLoaderAfterInstallAndUpgrade()
    {
        var job = H.Template(H.ExternalRedis).Resource("Job");
        var container = job.Maps("spec", "template", "spec", "containers").Single();

        Assert.Equal("post-install,post-upgrade", job.Str("metadata", "annotations", "helm.sh/hook"));
        Assert.Equal(["/app/load-bundled-features.sh"], container.Seq("command").Cast<string>());
        Assert.Equal("Never", job.Str("spec", "template", "spec", "restartPolicy"));
    }

    [Fact]
    public void FeatureLoader_WritesWhereTheServiceReads()
    {
        var docs = H.Template(H.ExternalRedis);
        var loader = docs.Resource("Job").Maps("spec", "template", "spec", "containers").Single().Env();
        var server = docs.ServerContainer().Env();

        Assert.Equal(
            server.Single(e => e.Name == "FeatureStore__Redis").Entry.Str("value"),
            loader.Single(e => e.Name == "FeatureStore__Redis").Entry.Str("value"));
        Assert.Equal(
            server.Single(e => e.Name == "REDIS_PASSWORD").Entry.Map("valueFrom"),
            loader.Single(e => e.Name == "REDIS_PASSWORD").Entry.Map("valueFrom"));
        Assert.True(loader.FindIndex(e => e.Name == "REDIS_PASSWORD") < loader.FindIndex(e => e.Name == "FeatureStore__Redis"));
        Assert.Equal(docs.Resource("ConfigMap").Str("data", "FeatureStore__KeyPrefix"), loader.Single(e => e.Name == "FeatureStore__KeyPrefix").Entry.Str("value"));
        Assert.All(loader, e => Assert.True(ConfigContract.IsKnown(e.Name), $"{e.Name} is not a setting the loader reads"));
    }

    [Fact]
    public void FeatureLoader_PodsReceiveNoScoringTraffic()
    {
        var docs = H.Template(H.ExternalRedis);
        var jobLabels = docs.Resource("Job").Map("spec", "template", "metadata", "labels");
        var selector = docs.Resources("Service").First().Map("spec", "selector");

        Assert.False(selector.All(kv => jobLabels.TryGetValue(kv.Key, out var v) && Equals(v, kv.Value)), "the Service would route requests to the loader");
    }

    [Fact]
    public void FeatureLoader_Default_IsNotRendered()
    {
        Assert.Empty(H.Template(H.Default).Resources("Job"));
    }

    [Fact]
    public void FeatureLoader_WithoutRedisHost_Fails()
    {
        var result = H.TemplateRaw(H.Default, "--set", "featureLoader.enabled=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("redis.host", result.StdErr);
    }

    [Fact]
    public void EveryContainer_IncludingInitAndJobs_IsNonRootReadOnlyWithoutCapabilities()
    {
        var docs = H.Template(H.ExternalRedis, "--set", "models.source=url", "--set", "models.url=https://models.example/afm.tar.gz");
        var pods = docs.Where(d => d.StrOrNull("kind") is "Deployment" or "Job").Select(d => d.Map("spec", "template", "spec")).ToList();
        var containers = pods.SelectMany(p => p.Maps("containers").Concat(p.Maps("initContainers"))).ToList();

        Assert.Equal(4, containers.Count);
        Assert.All(pods, p => Assert.Equal("true", p.Str("securityContext", "runAsNonRoot")));
        Assert.All(containers, c =>
        {
            Assert.Equal("true", c.Str("securityContext", "readOnlyRootFilesystem"));
            Assert.Equal("false", c.Str("securityContext", "allowPrivilegeEscalation"));
            Assert.Equal(["ALL"], c.Seq("securityContext", "capabilities", "drop").Cast<string>());
        });
    }
}
