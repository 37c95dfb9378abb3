using System.CommandLine;
using System.CommandLine.Parsing;

namespace CkptFS.Cli.Parsing;

/// <summary>
/// Bad usage, found before the command runs: one `ckptfs:` line, a hint to --help, exit 2 (not the
/// whole help on stdout). Besides the parser's own errors, a token that looks like an option but
/// names none is an error: the parser would otherwise take `put --bogus F /d` as three paths.
/// A path that starts with '-' is given after `--`.
/// </summary>
public static class UsageCheck
{
    public const int ExitCode = 2;

    /// <summary>What is wrong with the command line, or null when it can run (help asked for included).</summary>
    public static string? Problem(ParseResult result)
    {
        if (result.Action is { ClearsParseErrors: true })
        {
            return null;   // --help: help wins over whatever else is wrong
        }
        if (UnknownOption(result) is { } unknown)
        {
            return $"unknown option '{unknown}' for '{CommandPath(result.CommandResult)}' (a path that starts with '-' goes after '--').";
        }
        return result.Errors.Count > 0 ? ParseErrorText.Clean(result.Errors[0].Message) : null;
    }

    public static int Report(ParseResult result, string problem)
    {
        Console.Error.WriteLine($"ckptfs: {problem}");
        Console.Error.WriteLine($"Try '{CommandPath(result.CommandResult)} --help' for more information.");
        return ExitCode;
    }

    private static string? UnknownOption(ParseResult result)
    {
        var doubleDash = result.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        var afterDoubleDash = doubleDash < 0 ? [] : result.Tokens.Skip(doubleDash + 1).ToHashSet();
        return ArgumentTokens(result.CommandResult)
            .Where(token => !afterDoubleDash.Contains(token))
            .Select(token => token.Value)
            .Concat(result.UnmatchedTokens)
            .FirstOrDefault(LooksLikeOption);
    }

    /// <summary>The tokens taken as values of the command's arguments (not of its options).</summary>
    private static IEnumerable<Token> ArgumentTokens(CommandResult command) =>
        command.Children.OfType<ArgumentResult>().SelectMany(argument => argument.Tokens);

    /// <summary>'-' alone is stdin or stdout; '-5' could be a number.</summary>
    private static bool LooksLikeOption(string value) => value.Length > 1 && value[0] == '-' && !char.IsAsciiDigit(value[1]);

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is CommandResult c; current = c.Parent)
        {
            names.Add(c.Parent is null ? "ckptfs" : c.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}
