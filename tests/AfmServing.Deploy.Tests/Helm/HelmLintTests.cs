using AfmServing.Deploy.Tests.Support;

namespace AfmServing.Deploy.Tests.Helm;

public class HelmLintTests
{
    [Theory]
    [MemberData(nameof(Support.Helm.ValuesSets), MemberType = typeof(Support.Helm))]
    public void Lint_Strict_Passes(string valuesSet)
    {
        var result = Support.Helm.Run(["lint", "--strict", Support.Helm.ChartDir, .. Support.Helm.ValuesArgs(valuesSet)]);

        Assert.True(result.ExitCode == 0, $"helm lint --strict ({valuesSet}): {result.Describe()}");
        Assert.Contains("0 chart(s) failed", result.StdOut);
    }

    [Theory]
    [MemberData(nameof(Support.Helm.ValuesSets), MemberType = typeof(Support.Helm))]
    public void Template_Output_HasNoDuplicateKeys(string valuesSet)
    {
        var result = Support.Helm.TemplateRaw(valuesSet, "--set", "models.source=url", "--set", "models.url=https://models.example/afm.tar.gz");

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Empty(Yaml.DuplicateKeys(result.StdOut));
    }

    [Fact]
    public void DuplicateKeys_FindsARepeatedLabel()
    {
        Assert.Equal(["b (line 4)"], Yaml.DuplicateKeys("a:\n  b: 1\n  c: [x, {b: 2}]\n  b: 3\nd: {b: 1}\n"));
    }

    [Fact]
    public void Template_UnknownProvider_IsRejectedBySchema()
    {
        var result = Support.Helm.TemplateRaw(Support.Helm.Default, "--set", "config.inference.provider=tpu");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/config/inference/provider", result.StdErr);
    }

    [Fact]
    public void Template_MisspelledTopLevelValue_IsRejectedBySchema()
    {
        var result = Support.Helm.TemplateRaw(Support.Helm.Default, "--set", "gpus.enabled=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("gpus", result.StdErr);
    }

    [Fact]
    public void Template_PasswordSecretWithoutRedisHost_Fails()
    {
        var result = Support.Helm.TemplateRaw(Support.Helm.Default, "--set", "redis.existingSecret=afm-redis");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("redis.host", result.StdErr);
    }

    [Fact]
    public void Template_GracePeriodShorterThanPreStopSleep_Fails()
    {
        var result = Support.Helm.TemplateRaw(Support.Helm.Default, "--set", "preStopSleepSeconds=60", "--set", "terminationGracePeriodSeconds=30");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("terminationGracePeriodSeconds", result.StdErr);
    }
}
