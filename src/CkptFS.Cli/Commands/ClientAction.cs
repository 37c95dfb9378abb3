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
            // Warnings only: a client command's output is its result; lifecycle lines would be noise.
            using var logging = LogSetup.CreateFactory(minimumLevel: LogEventLevel.Warning);
            using var client = CliOptions.CreateClient(result, logging);
            return await body(result, client, cancellationToken);
        });
}
