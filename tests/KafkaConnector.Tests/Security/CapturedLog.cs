using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Security;

/// <summary>Collects every log entry (category, event id, level, message) written through it.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
    }
}
