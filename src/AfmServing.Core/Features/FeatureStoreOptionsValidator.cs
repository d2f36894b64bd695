using Microsoft.Extensions.Options;

namespace AfmServing.Core.Features;

/// <summary>
/// Checks <see cref="FeatureStoreOptions"/>; register with <c>AddOptions&lt;FeatureStoreOptions&gt;().ValidateOnStart()</c>
/// and <c>services.AddSingleton&lt;IValidateOptions&lt;FeatureStoreOptions&gt;, FeatureStoreOptionsValidator&gt;()</c>.
/// Messages name the setting and the reason, never the connection string (it may hold a password).
/// </summary>
public sealed class FeatureStoreOptionsValidator : IValidateOptions<FeatureStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, FeatureStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string S = FeatureStoreOptions.SectionName;

        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            try
            {
                var parsed = StackExchange.Redis.ConfigurationOptions.Parse(options.Redis);
                if (parsed.EndPoints.Count == 0)
                    failures.Add($"{S}:Redis names no endpoint (expected host:port)");
            }
            catch (ArgumentException e)
            {
                // The library's message quotes the offending keyword, not the whole string.
                failures.Add($"{S}:Redis is not a valid connection string: {e.Message}");
            }
        }
        if (options.KeyPrefix is null)
            failures.Add($"{S}:KeyPrefix must not be null (use \"\" for no prefix)");
        else if (options.KeyPrefix.Any(char.IsWhiteSpace))
            failures.Add($"{S}:KeyPrefix must not contain whitespace");
        if (options.TimeoutMilliseconds is < 1 or > 60_000)
            failures.Add($"{S}:TimeoutMilliseconds must be in 1..60000 (got {options.TimeoutMilliseconds})");
        if (options.CacheTtlMilliseconds is < 1 or > 3_600_000)
            failures.Add($"{S}:CacheTtlMilliseconds must be in 1..3600000 (got {options.CacheTtlMilliseconds})");
        if (options.CacheMaxEntities is < 1 or > 10_000_000)
            failures.Add($"{S}:CacheMaxEntities must be in 1..10000000 (got {options.CacheMaxEntities})");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
