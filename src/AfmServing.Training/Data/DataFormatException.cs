namespace AfmServing.Training.Data;

/// <summary>A data file that cannot be read or encoded: names the file, the line and the reason.</summary>
public sealed class DataFormatException(string path, long line, string reason)
    : FormatException($"{path}:{line}: {reason}")
{
    public string FilePath { get; } = path;

    /// <summary>1-based line; 0 when the problem is the file as a whole.</summary>
    public long Line { get; } = line;

    public string Reason { get; } = reason;
}
