using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AfmServing.Cli.Commands.Bench.Load;

/// <summary>
/// Waits until a Stopwatch timestamp without spinning a core: Thread.Sleep has a 1 ms grain, so the last
/// stretch uses usleep(3) (≈50–100 µs late on Linux) where the C library has it. Spinning is not an option on a
/// 2-core machine where the server under test needs every cycle.
/// </summary>
internal static partial class PreciseSleep
{
    private static readonly bool HasUsleep = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    public static void Until(long timestamp)
    {
        while (true)
        {
            long remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
                return;
            long micros = remaining * 1_000_000 / Stopwatch.Frequency;
            if (micros > 2000 || !HasUsleep)
                Thread.Sleep(micros > 1000 ? 1 : 0);
            else
                _ = Usleep((uint)Math.Max(1, micros));
        }
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}
