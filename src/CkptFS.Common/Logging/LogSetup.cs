using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace CkptFS.Common.Logging;

/// <summary>How a process writes its log lines.</summary>
public enum LogFormat
{
    /// <summary>Plain text for a terminal; JSON lines when stderr is redirected inside a container.</summary>
    Auto,
    Text,
    Json,
}

/// <summary>
/// The logging bootstrap every CkptFS process uses: Serilog as the provider behind
/// <see cref="ILogger{T}"/>, plain text in a terminal, JSON lines when asked (containers), written to
/// stderr so that stdout stays for command output. <c>CKPTFS_LOG_FORMAT</c> and <c>CKPTFS_LOG_LEVEL</c>
/// override the defaults.
/// </summary>
public static class LogSetup
{
    public static ILoggerFactory CreateFactory(LogFormat format = LogFormat.Auto, LogEventLevel minimumLevel = LogEventLevel.Information, string? logFile = null)
    {
        format = ResolveFormat(format);
        minimumLevel = ResolveLevel(minimumLevel);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        const string template = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";
        configuration = format == LogFormat.Json
            ? configuration.WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: LogEventLevel.Verbose)
            : configuration.WriteTo.Console(outputTemplate: template, standardErrorFromLevel: LogEventLevel.Verbose);
        if (logFile is not null)
        {
            configuration = configuration.WriteTo.File(new JsonFormatter(renderMessage: true), logFile);
        }
        var serilog = configuration.CreateLogger();
        return LoggerFactory.Create(builder => builder.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddSerilog(serilog, dispose: true));
    }

    private static LogFormat ResolveFormat(LogFormat format)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CKPTFS_LOG_FORMAT");
        if (format == LogFormat.Auto && Enum.TryParse<LogFormat>(fromEnvironment, ignoreCase: true, out var parsed))
        {
            format = parsed;
        }
        return format == LogFormat.Auto ? LogFormat.Text : format;
    }

    private static LogEventLevel ResolveLevel(LogEventLevel level)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CKPTFS_LOG_LEVEL");
        return Enum.TryParse<LogEventLevel>(fromEnvironment, ignoreCase: true, out var parsed) ? parsed : level;
    }
}
