using System.Globalization;

namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>
/// Reads the Prometheus text exposition format far enough to total a sample over its label sets:
/// <c>name{labels} value [timestamp]</c> lines; comments (<c>#</c>) and blank lines are skipped.
/// </summary>
public static class PrometheusText
{
    /// <summary>The sum of every sample named exactly <paramref name="name"/> (any labels); 0 when none.</summary>
    public static double Sum(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(name);
        double total = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan()[range].Trim();
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal))
                continue;
            var rest = line[name.Length..];
            if (rest.IsEmpty || (rest[0] != '{' && rest[0] != ' ' && rest[0] != '\t'))
                continue;
            if (rest[0] == '{')
            {
                int close = ClosingBrace(rest);
                if (close < 0)
                    continue;
                rest = rest[(close + 1)..];
            }
            rest = rest.TrimStart();
            int end = rest.IndexOfAny(' ', '\t');
            var value = end < 0 ? rest : rest[..end];
            if (TryParseValue(value, out double v))
                total += v;
        }
        return total;
    }

    private static bool TryParseValue(ReadOnlySpan<char> s, out double value)
    {
        switch (s)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return false;
            default:
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>Index of the '}' closing the label set at 0, skipping quoted label values (which may hold '}' or '\"').</summary>
    private static int ClosingBrace(ReadOnlySpan<char> s)
    {
        bool quoted = false;
        for (int i = 1; i < s.Length; i++)
        {
            char c = s[i];
            if (quoted)
            {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    quoted = false;
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '}')
            {
                return i;
            }
        }
        return -1;
    }
}
