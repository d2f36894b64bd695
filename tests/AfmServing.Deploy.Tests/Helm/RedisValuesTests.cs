using AfmServing.Deploy.Tests.Support;
using H = AfmServing.Deploy.Tests.Support.Helm;

namespace AfmServing.Deploy.Tests.Helm;

public class RedisValuesTests
{
    [Fact]
    public void ExternalRedis_PasswordComesFromSecretKeyRef()
    {
        var env = H.Template(H.ExternalRedis).ServerContainer().Env();
        var password = env.Single(e => e.Name == "REDIS_PASSWORD").Entry;

        Assert.Null(password.At("value"));
        Assert.Equal("afm-redis", password.Str("valueFrom", "secretKeyRef", "name"));
        Assert.Equal("redis-password", password.Str("valueFrom", "secretKeyRef", "key"));
    }

    [Fact]
    public void ExternalRedis_ConnectionStringExpandsThePasswordDeclaredBeforeIt()
    {
        var env = H.Template(H.ExternalRedis).ServerContainer().Env();
        int passwordAt = env.FindIndex(e => e.Name == "REDIS_PASSWORD");
        int connectionAt = env.FindIndex(e => e.Name == "FeatureStore__Redis");
        var connection = env[connectionAt].Entry.Str("value");

        Assert.True(passwordAt >= 0 && connectionAt > passwordAt, "$(REDIS_PASSWORD) only expands if declared earlier");
        Assert.StartsWith("redis-master.data.svc.cluster.local:6379,", connection);
        Assert.Contains(",password=$(REDIS_PASSWORD)", connection);
    }

    [Fact]
    public void ExternalRedis_ChartCreatesNoSecretAndHoldsNoPassword()
    {
        var result = H.TemplateRaw(H.ExternalRedis);

        Assert.Empty(Yaml.Documents(result.StdOut).Resources("Secret"));
        Assert.DoesNotContain("password=", result.StdOut.Replace("password=$(REDIS_PASSWORD)", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_UsesTheEmbeddedStore()
    {
        var docs = H.Template(H.Default);

        Assert.DoesNotContain(docs.ServerContainer().Env(), e => e.Name is "FeatureStore__Redis" or "REDIS_PASSWORD");
        Assert.Null(docs.Resource("ConfigMap").At("data", "FeatureStore__Redis"));
    }

    [Fact]
    public void RedisWithoutPassword_ConnectsWithoutPasswordOption()
    {
        var env = H.Template(H.Default, "--set", "redis.host=redis:6379").ServerContainer().Env();

        Assert.DoesNotContain(env, e => e.Name == "REDIS_PASSWORD");
        Assert.Equal("redis:6379,abortConnect=false,connectTimeout=2000", env.Single(e => e.Name == "FeatureStore__Redis").Entry.Str("value"));
    }
}
