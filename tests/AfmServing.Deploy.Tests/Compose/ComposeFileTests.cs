using AfmServing.Deploy.Tests.Support;
using AfmServing.TestSupport;

namespace AfmServing.Deploy.Tests.Compose;

public class ComposeFileTests
{
    private static readonly Dictionary<object, object> Compose = Yaml.SingleDocument(File.ReadAllText(RepoPaths.Path("docker-compose.yml")));
    private static readonly Dockerfile Dockerfile_ = Dockerfile.Load(RepoPaths.Path("Dockerfile"));

    public static TheoryData<string> ScoringServices => new() { "afm", "afm-gpu" };

    private static Dictionary<object, object> Service(string name) => Compose.Map("services", name);

    private static Dictionary<string, string> Environment(string service) =>
        Service(service).Map("environment").ToDictionary(kv => (string)kv.Key, kv => (string)kv.Value);

    [Theory]
    [MemberData(nameof(ScoringServices))]
    public void Service_PublishesTheKestrelEndpointPorts(string service)
    {
        var containerPorts = Service(service).Seq("ports").Cast<string>().Select(p => int.Parse(p.Split(':')[^1]));

        Assert.Equal([AppSettings.HttpPort, AppSettings.GrpcPort], containerPorts.Order());
    }

    [Theory]
    [MemberData(nameof(ScoringServices))]
    public void Service_ReadsRedisAndStartsAfterTheLoader(string service)
    {
        var s = Service(service);
        var env = Environment(service);

        Assert.StartsWith("redis:6379", env["FeatureStore__Redis"]);
        Assert.Equal(env["FeatureStore__Redis"], Environment("loader")["FeatureStore__Redis"]);
        Assert.Equal(env["FeatureStore__KeyPrefix"], Environment("loader")["FeatureStore__KeyPrefix"]);
        Assert.Equal("service_completed_successfully", s.Str("depends_on", "loader", "condition"));
        Assert.Equal("service_healthy", s.Str("depends_on", "redis", "condition"));
    }

    [Fact]
    public void Loader_RunsTheBundledLoaderOnceRedisIsHealthy()
    {
        var loader = Service("loader");

        Assert.Equal(["/app/load-bundled-features.sh"], loader.Seq("entrypoint").Cast<string>());
        Assert.Contains(Dockerfile_.Copies(), c => c.Stage == loader.Str("build", "target") && c.Sources.Contains("deploy/docker/load-bundled-features.sh") && c.Destination == "/app/");
        Assert.Equal("service_healthy", loader.Str("depends_on", "redis", "condition"));
        Assert.Contains("redis-cli", Service("redis").Seq("healthcheck", "test").Cast<string>());
        Assert.Equal("/app/models", Environment("loader")["Models__Root"]);
        Assert.Equal("no", loader.Str("restart"));
    }

    [Theory]
    [MemberData(nameof(ScoringServices))]
    public void Service_BuildsAFinalTargetOfTheDockerfile(string service)
    {
        var target = Service(service).Str("build", "target");

        Assert.Contains(target, Dockerfile_.Stages);
        Assert.NotNull(Dockerfile_.InStage(target, "ENTRYPOINT").SingleOrDefault());
    }

    [Fact]
    public void GpuProfile_ReservesAnNvidiaGpuForTheGpuTarget()
    {
        var gpu = Service("afm-gpu");
        var device = gpu.Maps("deploy", "resources", "reservations", "devices").Single();

        Assert.Equal(["gpu"], gpu.Seq("profiles").Cast<string>());
        Assert.Equal("gpu", gpu.Str("build", "target"));
        Assert.Equal("nvidia", device.Str("driver"));
        Assert.Contains("gpu", device.Seq("capabilities").Cast<string>());
        Assert.Equal("cuda", Environment("afm-gpu")["Inference__Provider"]);
        Assert.Null(Service("afm").At("deploy"));
        Assert.Equal("cpu", Environment("afm")["Inference__Provider"]);
    }

    [Theory]
    [MemberData(nameof(ScoringServices))]
    public void Service_RunsReadOnlyWithWritableTmpAndNoCapabilities(string service)
    {
        var s = Service(service);

        Assert.Equal("true", s.Str("read_only"));
        Assert.Contains("/tmp", s.Seq("tmpfs").Cast<string>());
        Assert.Equal(["ALL"], s.Seq("cap_drop").Cast<string>());
    }

    [Fact]
    public void Environment_UsesOnlyConfigurationContractNames()
    {
        foreach (var service in new[] { "afm", "afm-gpu", "loader" })
        {
            foreach (var name in Environment(service).Keys)
                Assert.True(ConfigContract.IsKnown(name), $"{service}: {name} is not a setting the service reads");
        }
    }

    [Fact]
    public void ObservabilityProfile_PrometheusScrapesMetricsOfEveryScoringService()
    {
        var prometheus = Service("prometheus");
        var mount = prometheus.Seq("volumes").Cast<string>().Single(v => v.Contains("prometheus.yml", StringComparison.Ordinal));
        var config = Yaml.SingleDocument(File.ReadAllText(RepoPaths.Path(mount.Split(':')[0].TrimStart('.', '/').Split('/'))));
        var job = config.Maps("scrape_configs").Single();
        var targets = job.Maps("static_configs").SelectMany(c => c.Seq("targets").Cast<string>()).ToList();

        Assert.Equal(["observability"], prometheus.Seq("profiles").Cast<string>());
        Assert.Equal("/metrics", job.Str("metrics_path"));
        Assert.Equal(["afm-gpu:" + AppSettings.HttpPort, "afm:" + AppSettings.HttpPort], targets.Order());
    }
}
