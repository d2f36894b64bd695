namespace AfmServing.Cli.Terminal;

/// <summary>
/// One status line on stderr for long-running work. On a terminal it redraws in place (carriage return) at most
/// 10 times a second; when stderr is redirected (CI logs, tests) it writes a plain line at most every 2 seconds,
/// so logs stay readable. The final state is always written.
/// </summary>
internal sealed class ProgressLine
{
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private long _lastDraw = long.MinValue;
    private int _lastLength;

    public ProgressLine(TextWriter writer, bool interactive, TimeProvider? timeProvider = null)
    {
        _writer = writer;
        _interactive = interactive;
        _interval = interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(2);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>True when <paramref name="writer"/> is the process's stderr and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) => ReferenceEquals(writer, System.Console.Error) && !System.Console.IsErrorRedirected;

    public void Update(string text, bool final = false)
    {
        long now = _time.GetTimestamp();
        if (!final && _lastDraw != long.MinValue && _time.GetElapsedTime(_lastDraw, now) < _interval)
            return;
        _lastDraw = now;
        if (_interactive)
        {
            _writer.Write('\r');
            _writer.Write(text);
            if (text.Length < _lastLength)
                _writer.Write(new string(' ', _lastLength - text.Length));
            _lastLength = text.Length;
            if (final)
                _writer.WriteLine();
        }
        else
        {
            _writer.WriteLine(text);
        }
        _writer.Flush();
    }

    /// <summary>A text bar like <c>[#########-----------]</c> for a fraction 0..1.</summary>
    public static string Bar(double fraction, int width = 24)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return string.Concat("[", new string('#', filled), new string('-', width - filled), "]");
    }

    /// <summary>h:mm:ss, or --:--:-- when unknown.</summary>
    public static string Duration(TimeSpan? span) =>
        span is { } s ? $"{(int)s.TotalHours}:{s.Minutes:00}:{s.Seconds:00}" : "--:--:--";
}
