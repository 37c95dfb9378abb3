using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Cli.Transfers;

namespace CkptFS.Cli.Commands;

internal static class CatCommand
{
    public static Command Create()
    {
        var paths = RemotePath.Many("path", "Files to print.", ArgumentArity.OneOrMore);
        var command = new Command("cat", "Write files to stdout.") { paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            await using var stdout = Console.OpenStandardOutput();
            foreach (var path in result.GetRequiredValue(paths))
            {
                await using var input = await client.OpenAsync(path, cancellationToken);
                await StreamCopy.CopyAsync(input, stdout, null, cancellationToken);
            }
            return 0;
        });
        return command;
    }
}
