using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// Keeps a misbehaving client from flooding the server's log at Critical. Kestrel logs protocol
/// abuse on a connection (a PING flood that fills the output queue, a rapid-reset storm, a broken
/// frame) at Error or Critical, once per offending frame: 132 Critical lines from one
/// unauthenticated ping flood were seen. Such an event is the client's fault, not the server's, so
/// this factory passes each Kestrel event that names a connection at Warning, once per connection
/// and event; everything else goes through unchanged.
/// </summary>
/// <para>
/// It also silences ASP.NET Core's per-request hosting log: it only ever says "request starting /
/// finished" (Information and Debug, which an RPC port answering thousands of calls a second does
/// not want), yet while any level of it is enabled, hosting opens a logging scope for every call.
/// </para>
internal sealed class RpcHostLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";
    private const string HostingRequestCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    // Bounded: a flood of connections must not grow this without limit; forgetting means at most
    // one more Warning line for a connection still misbehaving.
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<(string Connection, int EventId), byte> _logged = new();

    public ILogger CreateLogger(string categoryName) =>
        categoryName == HostingRequestCategory ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
        : categoryName.StartsWith(KestrelCategory, StringComparison.Ordinal) ? new DowngradingLogger(inner.CreateLogger(categoryName), this)
        : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The process owns the inner factory; the server host only borrows it.</summary>
    public void Dispose()
    {
    }

    private bool FirstTime(string connection, int eventId)
    {
        if (_logged.Count >= MaxRemembered)
        {
            _logged.Clear();
        }

        return _logged.TryAdd((connection, eventId), 0);
    }

    private static string? ConnectionOf<TState>(TState state)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            foreach (var property in properties)
            {
                if (property.Key == "ConnectionId")
                {
                    return property.Value?.ToString();
                }
            }
        }

        return null;
    }

    private sealed class DowngradingLogger(ILogger inner, RpcHostLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel >= LogLevel.Error ? LogLevel.Warning : logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && ConnectionOf(state) is { } connection)
            {
                if (owner.FirstTime(connection, eventId.Id))
                {
                    inner.Log(LogLevel.Warning, eventId, state, exception, formatter);
                }

                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
