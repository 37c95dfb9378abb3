using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Tests;

/// <summary>Keeps every log line so a test can fail on an unexpected error (or look for a warning).</summary>
internal sealed class TestLog : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public ILogger<T> For<T>() => new Logger<T>(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    /// <summary>Throws when anything was logged at Error or above.</summary>
    public void AssertNoErrors()
    {
        var errors = Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.Category}: {entry.Message}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    public bool Contains(LogLevel level, string text) => Entries.Any(entry => entry.Level == level && entry.Message.Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
    }

    /// <summary>CKPTFS_TEST_LOG=1 echoes every line to stderr, to debug a failing test.</summary>
    private static readonly bool Echo = Environment.GetEnvironmentVariable("CKPTFS_TEST_LOG") == "1";

    private sealed class Logger(TestLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception) + (exception is null ? "" : $" {exception}");
            owner._entries.Enqueue((logLevel, category, message));
            if (Echo)
            {
                Console.Error.WriteLine($"{logLevel} {category}: {message}");
            }
        }
    }
}
