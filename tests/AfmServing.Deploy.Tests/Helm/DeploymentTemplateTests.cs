using AfmServing.Deploy.Tests.Support;
using H = AfmServing.Deploy.Tests.Support.Helm;

namespace AfmServing.Deploy.Tests.Helm;

public class DeploymentTemplateTests
{
    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Deployment_ContainerPorts_AreTheKestrelEndpoints(string valuesSet)
    {
        var ports = H.Template(valuesSet).ServerContainer().Maps("ports").ToDictionary(p => p.Str("name"), p => int.Parse(p.Str("containerPort")));

        Assert.Equal(AppSettings.HttpPort, ports["http"]);
        Assert.Equal(AppSettings.GrpcPort, ports["grpc"]);
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Deployment_KestrelUrls_MatchAppSettings(string valuesSet)
    {
        var env = H.Template(valuesSet).ServerContainer().Env().ToDictionary(e => e.Name, e => e.Entry.StrOrNull("value"));

        Assert.Equal(AppSettings.HttpUrl, env["Kestrel__Endpoints__Http__Url"]);
        Assert.Equal(AppSettings.GrpcUrl, env["Kestrel__Endpoints__Grpc__Url"]);
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Deployment_Probes_HitLiveAndReadyOnTheHttpPort(string valuesSet)
    {
        var c = H.Template(valuesSet).ServerContainer();

        Assert.Equal("/healthz/live", c.Str("livenessProbe", "httpGet", "path"));
        Assert.Equal("/healthz/ready", c.Str("readinessProbe", "httpGet", "path"));
        Assert.Equal("/healthz/ready", c.Str("startupProbe", "httpGet", "path"));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            Assert.Equal("http", c.Str(probe, "httpGet", "port"));
    }

    [Fact]
    public void Deployment_StartupProbe_LeavesMinutesForModelLoadAndWarmUp()
    {
        var startup = H.Template(H.Default).ServerContainer().Map("startupProbe");

        var seconds = int.Parse(startup.Str("periodSeconds")) * int.Parse(startup.Str("failureThreshold"));

        Assert.True(seconds >= 120, $"startup probe gives up after {seconds}s");
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Deployment_SecurityContext_IsNonRootReadOnlyWithoutCapabilities(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var pod = docs.Resource("Deployment").Map("spec", "template", "spec");
        var c = docs.ServerContainer();

        Assert.Equal("true", pod.Str("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.Str("securityContext", "runAsUser"));
        Assert.Equal("RuntimeDefault", pod.Str("securityContext", "seccompProfile", "type"));
        Assert.Equal("true", c.Str("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", c.Str("securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], c.Seq("securityContext", "capabilities", "drop").Cast<string>());
        Assert.Null(c.At("securityContext", "capabilities", "add"));
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Deployment_Tmp_IsAWritableEmptyDir(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var mount = docs.ServerContainer().Maps("volumeMounts").Single(m => m.Str("mountPath") == "/tmp");
        var volume = docs.Resource("Deployment").Maps("spec", "template", "spec", "volumes").Single(v => v.Str("name") == mount.Str("name"));

        Assert.NotEqual("true", mount.StrOrNull("readOnly"));
        Assert.NotNull(volume.At("emptyDir"));
    }

    [Fact]
    public void Deployment_Shutdown_PreStopSleepFitsInTheGracePeriod()
    {
        var docs = H.Template(H.Default);
        var grace = int.Parse(docs.Resource("Deployment").Str("spec", "template", "spec", "terminationGracePeriodSeconds"));
        var preStop = docs.ServerContainer().Map("lifecycle", "preStop");

        var sleep = preStop.StrOrNull("sleep", "seconds") ?? preStop.Seq("exec", "command").Cast<string>().Last();

        Assert.True(int.Parse(sleep) > 0, "preStop must wait for endpoints to drain");
        Assert.True(grace > int.Parse(sleep) + 5, $"grace period {grace}s leaves Kestrel no time to drain after a {sleep}s preStop");
    }

    [Fact]
    public void Deployment_OldKubernetes_PreStopFallsBackToSleepCommand()
    {
        var preStop = H.Template(H.Default, "--kube-version", "1.28.0").ServerContainer().Map("lifecycle", "preStop");

        Assert.Null(preStop.At("sleep"));
        Assert.Equal("sleep", preStop.Seq("exec", "command").Cast<string>().First());
    }

    [Fact]
    public void Deployment_TopologySpread_CoversNodesAndZonesForThisRelease()
    {
        var docs = H.Template(H.Default);
        var deployment = docs.Resource("Deployment");
        var selector = deployment.Map("spec", "selector", "matchLabels");
        var constraints = deployment.Maps("spec", "template", "spec", "topologySpreadConstraints").ToList();

        Assert.Equal(
            ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
            constraints.Select(c => c.Str("topologyKey")).Order());
        foreach (var c in constraints)
            Assert.Equal(selector, c.Map("labelSelector", "matchLabels"));
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Deployment_Settings_UseOnlyConfigurationContractNames(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var configMap = docs.Resource("ConfigMap");
        var c = docs.ServerContainer();

        Assert.Equal(configMap.Str("metadata", "name"), c.Str("envFrom", 0, "configMapRef", "name"));
        var names = configMap.Map("data").Keys.Cast<string>().Concat(c.Env().Select(e => e.Name)).ToList();
        Assert.All(names, n => Assert.True(ConfigContract.IsKnown(n), $"{n} is not a setting the service reads"));
    }

    [Fact]
    public void Deployment_Default_ServesBakedModelsWithoutInitContainer()
    {
        var docs = H.Template(H.Default);

        Assert.Null(docs.Resource("Deployment").At("spec", "template", "spec", "initContainers"));
        Assert.Equal("/app/models", docs.Resource("ConfigMap").Str("data", "Models__Root"));
        Assert.DoesNotContain(docs.ServerContainer().Maps("volumeMounts"), m => m.Str("mountPath") == "/app/models");
    }

    [Fact]
    public void Deployment_ModelsFromUrl_InitContainerFillsReadOnlyModelsVolume()
    {
        var docs = H.Template(H.Default, "--set", "models.source=url", "--set", "models.url=https://models.example/afm.tar.gz");
        var pod = docs.Resource("Deployment").Map("spec", "template", "spec");
        var init = pod.Maps("initContainers").Single();
        var target = init.Maps("volumeMounts").Single(m => m.Str("name") == "models");
        var served = docs.ServerContainer().Maps("volumeMounts").Single(m => m.Str("mountPath") == "/app/models");

        Assert.Equal("models", served.Str("name"));
        Assert.Equal("true", served.Str("readOnly"));
        Assert.Contains(target.Str("mountPath"), init.Seq("command").Cast<string>().Last());
        Assert.Contains(init.Maps("env"), e => e.Str("value") == "https://models.example/afm.tar.gz");
        Assert.NotNull(pod.Maps("volumes").Single(v => v.Str("name") == "models").At("emptyDir"));
        Assert.Equal("true", init.Str("securityContext", "readOnlyRootFilesystem"));
    }

    [Fact]
    public void Deployment_ModelsFromImage_CopiesIntoAVolumeNotShadowingTheSource()
    {
        var docs = H.Template(H.Default, "--set", "models.source=initImage", "--set", "models.initImage.repository=registry.example/afm-models", "--set-string", "models.initImage.tag=7");
        var init = docs.Resource("Deployment").Maps("spec", "template", "spec", "initContainers").Single();
        var source = init.Maps("env").Single(e => e.Str("name") == "SOURCE").Str("value");

        Assert.Equal("registry.example/afm-models:7", init.Str("image"));
        Assert.NotEqual(source, init.Maps("volumeMounts").Single(m => m.Str("name") == "models").Str("mountPath"));
    }

    [Fact]
    public void Deployment_IntraOpThreads_FollowTheCpuRequest()
    {
        var data = H.Template(H.Default, "--set-string", "resources.requests.cpu=3500m").Resource("ConfigMap").Map("data");

        Assert.Equal("3", data.Str("Inference__IntraOpThreads"));
        Assert.Equal("3", data.Str("DOTNET_PROCESSOR_COUNT"));
    }

    [Fact]
    public void Deployment_ConfigChange_RollsThePods()
    {
        static string Checksum(List<Dictionary<object, object>> docs) =>
            docs.Resource("Deployment").Str("spec", "template", "metadata", "annotations", "checksum/config");

        Assert.NotEqual(Checksum(H.Template(H.Default)), Checksum(H.Template(H.Default, "--set", "config.logLevel=Debug")));
    }
}
