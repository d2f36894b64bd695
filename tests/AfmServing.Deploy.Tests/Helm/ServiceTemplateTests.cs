using AfmServing.Deploy.Tests.Support;
using H = AfmServing.Deploy.Tests.Support.Helm;

namespace AfmServing.Deploy.Tests.Helm;

public class ServiceTemplateTests
{
    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Service_ExposesHttpAndGrpcWithH2c(string valuesSet)
    {
        var service = H.Template(valuesSet).Resources("Service").Single(s => s.StrOrNull("spec", "clusterIP") != "None");
        var ports = service.Maps("spec", "ports").ToDictionary(p => p.Str("name"));

        Assert.Equal(AppSettings.HttpPort.ToString(), ports["http"].Str("port"));
        Assert.Equal("http", ports["http"].Str("targetPort"));
        Assert.Equal(AppSettings.GrpcPort.ToString(), ports["grpc"].Str("port"));
        Assert.Equal("grpc", ports["grpc"].Str("targetPort"));
        Assert.Equal("kubernetes.io/h2c", ports["grpc"].Str("appProtocol"));
    }

    [Theory]
    [MemberData(nameof(H.ValuesSets), MemberType = typeof(H))]
    public void Service_SelectsTheDeploymentsPods(string valuesSet)
    {
        var docs = H.Template(valuesSet);
        var podLabels = docs.Resource("Deployment").Map("spec", "template", "metadata", "labels");

        foreach (var service in docs.Resources("Service"))
        {
            foreach (var (k, v) in service.Map("spec", "selector"))
                Assert.Equal(v, podLabels[k]);
        }
    }

    [Fact]
    public void Pods_PrometheusAnnotations_PointAtMetricsOnTheHttpPort()
    {
        var annotations = H.Template(H.Default).Resource("Deployment").Map("spec", "template", "metadata", "annotations");

        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(AppSettings.HttpPort.ToString(), annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
    }

    [Fact]
    public void ServiceMonitor_ScrapesMetricsOnTheHttpPort()
    {
        var docs = H.Template(H.ExternalRedis);
        var monitor = docs.Resource("ServiceMonitor");
        var endpoint = monitor.Maps("spec", "endpoints").Single();

        Assert.Equal("http", endpoint.Str("port"));
        Assert.Equal("/metrics", endpoint.Str("path"));
        Assert.Equal("prometheus", monitor.Str("metadata", "labels", "release"));
        Assert.Empty(H.Template(H.Default).Resources("ServiceMonitor"));
    }

    [Fact]
    public void HeadlessService_OffersGrpcForClientSideBalancing()
    {
        var headless = H.Template(H.ExternalRedis).Resources("Service").Single(s => s.StrOrNull("spec", "clusterIP") == "None");

        var port = headless.Maps("spec", "ports").Single();
        Assert.Equal("grpc", port.Str("targetPort"));
        Assert.Equal("kubernetes.io/h2c", port.Str("appProtocol"));
    }
}
