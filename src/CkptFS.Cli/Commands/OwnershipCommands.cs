using System.CommandLine;
using System.Globalization;
using CkptFS.Cli.Paths;
using CkptFS.Client;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

/// <summary>
/// <c>ckptfs chmod</c>, <c>chown</c>, <c>chgrp</c> as <c>hdfs dfs</c> has them: octal modes (with the
/// sticky bit, 1777), OWNER[:GROUP], -R for everything below. The NameNode decides who may (README:
/// Security): chmod and chgrp the owner, chown a superuser.
/// </summary>
internal static class OwnershipCommands
{
    public static Command Chmod()
    {
        var mode = new Argument<string>("mode") { Description = "Octal mode, e.g. 750, or 1777 for a shared folder with the sticky bit." };
        var (recursive, paths) = (Recursive(), Paths());
        var command = new Command("chmod", "Change the mode of files and directories.") { recursive, mode, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var bits = ParseMode(result.GetRequiredValue(mode));
            await ForEachAsync(client, result.GetRequiredValue(paths), result.GetValue(recursive), path => client.SetPermissionAsync(path, bits, cancellationToken), cancellationToken);
            return 0;
        });
        return command;
    }

    public static Command Chown()
    {
        var owner = new Argument<string>("owner") { Description = "OWNER, OWNER:GROUP or :GROUP." };
        var (recursive, paths) = (Recursive(), Paths());
        var command = new Command("chown", "Change the owner (superusers only) and optionally the group.") { recursive, owner, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var text = result.GetRequiredValue(owner);
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var (user, group) = colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
            if (user.Length == 0 && string.IsNullOrEmpty(group))
            {
                throw new ArgumentException($"chown: '{text}' names neither an owner nor a group.");
            }
            await ForEachAsync(client, result.GetRequiredValue(paths), result.GetValue(recursive),
                path => client.SetOwnerAsync(path, user.Length == 0 ? null : user, string.IsNullOrEmpty(group) ? null : group, cancellationToken), cancellationToken);
            return 0;
        });
        return command;
    }

    public static Command Chgrp()
    {
        var group = new Argument<string>("group") { Description = "The new group (one you are in, unless a superuser)." };
        var (recursive, paths) = (Recursive(), Paths());
        var command = new Command("chgrp", "Change the group of files and directories.") { recursive, group, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var name = result.GetRequiredValue(group);
            await ForEachAsync(client, result.GetRequiredValue(paths), result.GetValue(recursive), path => client.SetOwnerAsync(path, null, name, cancellationToken), cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>"750" or "1777" → bits; anything else is a usage error naming the form.</summary>
    public static uint ParseMode(string text)
    {
        if (text.Length is >= 1 and <= 4 && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) && text.All(c => c is >= '0' and <= '7'))
        {
            return Convert.ToUInt32(text, 8);
        }
        throw new ArgumentException($"chmod: '{text}' is not an octal mode: give 1 to 4 octal digits, e.g. 750 or 1777.");
    }

    private static Option<bool> Recursive() => new("-R", "--recursive") { Description = "Everything below each directory too." };

    private static Argument<string[]> Paths() => RemotePath.Many("path", "Files and directories.", ArgumentArity.OneOrMore);

    private static async Task ForEachAsync(CkptFsClient client, string[] paths, bool recursive, Func<string, Task> change, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            await change(path);
            if (recursive && (await client.GetFileInfoAsync(path, cancellationToken)).Type == FileType.Directory)
            {
                await foreach (var entry in RemoteWalk.Entries(client, path, recursive: true, cancellationToken))
                {
                    await change(entry.Path);
                }
            }
        }
    }
}
