using System.Diagnostics;
using System.Globalization;

namespace AfmServing.Cli.Commands.Bench.Report;

/// <summary>
/// CPU time used so far by the bench, the server it started (when it did) and the whole machine (Linux
/// /proc/stat). Differences over a window give cores busy; on a shared machine the machine figure minus the
/// other two is everybody else's load, which the report shows so a disturbed run can be recognised.
/// </summary>
public sealed record CpuSample(long Timestamp, TimeSpan Client, TimeSpan? Server, double? MachineBusySeconds)
{
    public static CpuSample Take(Process? server)
    {
        TimeSpan? serverCpu = null;
        if (server is not null)
        {
            try
            {
                server.Refresh();
                serverCpu = server.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                // Exited.
            }
        }
        using var self = Process.GetCurrentProcess();
        return new CpuSample(Stopwatch.GetTimestamp(), self.TotalProcessorTime, serverCpu, MachineBusy());
    }

    /// <summary>Cores busy between <paramref name="before"/> and this sample.</summary>
    public CpuUse Since(CpuSample before)
    {
        ArgumentNullException.ThrowIfNull(before);
        double wall = Stopwatch.GetElapsedTime(before.Timestamp, Timestamp).TotalSeconds;
        if (wall <= 0)
            return new CpuUse(null, null, null);
        return new CpuUse(
            (Client - before.Client).TotalSeconds / wall,
            Server is { } s && before.Server is { } s0 ? (s - s0).TotalSeconds / wall : null,
            MachineBusySeconds is { } m && before.MachineBusySeconds is { } m0 ? (m - m0) / wall : null);
    }

    /// <summary>Busy seconds of all CPUs since boot: user + nice + system + irq + softirq + steal from /proc/stat.</summary>
    private static double? MachineBusy()
    {
        try
        {
            if (!File.Exists("/proc/stat"))
                return null;
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
                return null;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            foreach (int i in new[] { 1, 2, 3, 6, 7, 8 })
                if (i < parts.Length)
                    busy += long.Parse(parts[i], CultureInfo.InvariantCulture);
            return busy / 100.0; // USER_HZ is 100 on Linux
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Cores busy (1.0 = one core fully used) over a window; null where unknown.</summary>
public sealed record CpuUse(double? Client, double? Server, double? Machine);
