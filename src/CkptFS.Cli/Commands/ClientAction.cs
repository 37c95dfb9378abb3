using System.CommandLine;
using CkptFS.Client;

namespace CkptFS.Cli.Commands;

/// <summary>Runs a command body with a client for the NameNode the user named; errors reach CliApp.</summary>
internal static class ClientAction
{
    public static void Set(Command command, Func<ParseResult, CkptFsClient, CancellationToken, Task<int>> body) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = CliOptions.CreateClient(result);
            return await body(result, client, cancellationToken);
        });
}
