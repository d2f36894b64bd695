using System.CommandLine.Parsing;
using System.Globalization;

namespace AfmServing.Cli.Commands.Bench;

/// <summary>Durations on the command line: <c>10s</c>, <c>500ms</c>, <c>2m</c>, or plain seconds (<c>10</c>, <c>0.5</c>).</summary>
public static class BenchDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) || !double.IsFinite(n))
            return false;
        value = TimeSpan.FromSeconds(n * scale);
        return true;
    }

    /// <summary>A System.CommandLine custom parser for an option named <paramref name="name"/>.</summary>
    public static Func<ArgumentResult, TimeSpan> Parser(string name, bool allowZero) => result =>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!TryParse(text, out var value))
        {
            result.AddError($"{name}: '{text}' is not a duration (use 10s, 500ms, 2m or seconds)");
            return default;
        }
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
            result.AddError($"{name}: '{text}' must be {(allowZero ? "zero or more" : "more than zero")}");
        return value;
    };
}
