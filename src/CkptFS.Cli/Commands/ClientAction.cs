using System.CommandLine;
using CkptFS.Client;
using CkptFS.Common.Logging;
using Serilog.Events;

namespace CkptFS.Cli.Commands;

/// <summary>Runs a command body with a client for the NameNode the user named; errors reach CliApp.</summary>
internal static class ClientAction
{
    public static void Set(Command command, Func<ParseResult, CkptFsClient, CancellationToken, Task<int>> body) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            using var logging = LogSetup.CreateFactory(minimumLevel: LogLevel(result));
            using var client = CliOptions.CreateClient(result, logging);
            return await body(result, client, cancellationToken);
        });

    /// <summary>
    /// Warnings only: a client command's output is its result; lifecycle lines would be noise. Under
    /// -q not even those (a pipeline recovery that succeeded is not the user's business), errors only;
    /// --debug shows everything.
    /// </summary>
    private static LogEventLevel LogLevel(ParseResult result)
    {
        if (result.GetValue(CliOptions.Debug))
        {
            return LogEventLevel.Debug;
        }
        var quiet = result.CommandResult.Command.Options.OfType<Option<bool>>().FirstOrDefault(o => o.Name == "--quiet");
        return quiet is not null && result.GetValue(quiet) ? LogEventLevel.Error : LogEventLevel.Warning;
    }
}
