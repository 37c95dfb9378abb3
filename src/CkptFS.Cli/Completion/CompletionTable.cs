using System.CommandLine;

namespace CkptFS.Cli.Completion;

/// <summary>
/// What a shell may complete after each command path: its subcommands and options. Keys are the
/// command path below `ckptfs` ("" for the root, "ckpt save"); the scripts walk the words typed so far
/// to find the key, and fall back to file names for arguments (local paths, mostly).
/// </summary>
public static class CompletionTable
{
    public static IReadOnlyList<(string Path, IReadOnlyList<string> Words)> Build(Command root)
    {
        var rows = new List<(string, IReadOnlyList<string>)>();
        Add(root, "", InheritedOptions(root), rows);
        return rows;
    }

    private static void Add(Command command, string path, IReadOnlyList<Option> inherited, List<(string, IReadOnlyList<string>)> rows)
    {
        var options = command.Options.Concat(inherited).Where(o => !o.Hidden).Distinct();
        var words = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)
            .Concat(options.SelectMany(o => o.Aliases.Prepend(o.Name)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        rows.Add((path, words));
        foreach (var subcommand in command.Subcommands.Where(c => !c.Hidden))
        {
            Add(subcommand, path.Length == 0 ? subcommand.Name : $"{path} {subcommand.Name}", inherited, rows);
        }
    }

    /// <summary>The root's recursive options (--namenode, --help...) are valid on every command.</summary>
    private static IReadOnlyList<Option> InheritedOptions(Command root) => [.. root.Options.Where(o => o.Recursive)];
}
