using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>A logger provider that keeps every formatted message (and its exception) at or above <paramref name="minimum"/>.</summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public LogLevel Minimum { get; } = minimum;

    public string All => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new Keeping(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Keeping(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= logs.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
        }
    }
}
