using System.Buffers;

namespace AfmServing.Cli.Output;

/// <summary>Rebuilds a command line for the manifest, quoting tokens a shell would split.</summary>
internal static class CommandLineText
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(" \t\"'$\\");

    public static string Of(string program, IEnumerable<string> tokens) =>
        string.Join(' ', tokens.Prepend(program).Select(Quote));

    private static string Quote(string token) =>
        token.Length > 0 && token.AsSpan().IndexOfAny(NeedsQuotes) < 0 ? token : "'" + token.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
