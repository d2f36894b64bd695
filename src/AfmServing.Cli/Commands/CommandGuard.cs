using AfmServing.Training.Data;
using Microsoft.ML.OnnxRuntime;

namespace AfmServing.Cli.Commands;

/// <summary>
/// Runs a command body and turns the failures a user can cause (bad files, bad options, an existing model …)
/// into one "error: …" line and a non-zero exit code, never a stack trace.
/// </summary>
internal static class CommandGuard
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Cancelled = 130;

    public static int Run(TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return Cancelled;
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or IOException or UnauthorizedAccessException
                                      or ArgumentException or OnnxRuntimeException or InvalidOperationException or FormatException)
        {
            error.WriteLine($"error: {e.Message}");
            return Failed;
        }
    }
}
