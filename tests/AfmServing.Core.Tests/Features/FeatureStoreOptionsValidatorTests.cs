using AfmServing.Core.Features;

namespace AfmServing.Core.Tests.Features;

public sealed class FeatureStoreOptionsValidatorTests
{
    private static readonly FeatureStoreOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var options = new FeatureStoreOptions();

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.Equal(("", "afm:", 20, false), (options.Redis, options.KeyPrefix, options.TimeoutMilliseconds, options.CacheEnabled));
    }

    [Fact]
    public void Validate_RedisConnectionStringWithPassword_Succeeds()
    {
        var result = Validator.Validate(null, new FeatureStoreOptions { Redis = "redis:6379,password=x,ssl=false,connectTimeout=2000" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(0, 1000, 10, "FeatureStore:TimeoutMilliseconds")]
    [InlineData(60_001, 1000, 10, "FeatureStore:TimeoutMilliseconds")]
    [InlineData(20, 0, 10, "FeatureStore:CacheTtlMilliseconds")]
    [InlineData(20, 1000, 0, "FeatureStore:CacheMaxEntities")]
    public void Validate_OutOfRange_NamesTheSetting(int timeout, int ttl, int max, string expected)
    {
        var result = Validator.Validate(null, new FeatureStoreOptions { TimeoutMilliseconds = timeout, CacheTtlMilliseconds = ttl, CacheMaxEntities = max });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadConnectionString_NamesTheSettingButNotThePassword()
    {
        var result = Validator.Validate(null, new FeatureStoreOptions { Redis = "redis:6379,password=hunter2,bogusKeyword=1" });

        Assert.True(result.Failed);
        Assert.Contains("FeatureStore:Redis", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PrefixWithSpace_Fails()
    {
        var result = Validator.Validate(null, new FeatureStoreOptions { KeyPrefix = "afm :" });

        Assert.Contains("FeatureStore:KeyPrefix", result.FailureMessage, StringComparison.Ordinal);
    }
}
