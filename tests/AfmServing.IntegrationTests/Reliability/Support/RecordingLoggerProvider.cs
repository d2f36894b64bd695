using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>A logger provider that keeps every formatted line (message and exception text), for asserting on logs.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Every line's category, message and exception text, one per line, for a failure message or a search.</summary>
    public string Text() => string.Join('\n', _lines.Select(l => $"{l.Level} {l.Category}[{l.EventId}]: {l.Message} {l.Exception}"));

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Structured values too: a secret must not hide in a parameter that a JSON formatter would print.
            string values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            owner._lines.Enqueue(new LogLine(category, logLevel, eventId.Id, formatter(state, exception) + " " + values, exception?.ToString()));
        }
    }
}

/// <summary>One recorded log line.</summary>
public sealed record LogLine(string Category, LogLevel Level, int EventId, string Message, string? Exception);
