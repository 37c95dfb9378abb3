using System.Text.RegularExpressions;

namespace CkptFS.Cli.Parsing;

/// <summary>The parser's messages in a user's words: "a whole number", not 'System.UInt64'.</summary>
public static partial class ParseErrorText
{
    public static string Clean(string message)
    {
        var match = CannotParse().Match(message);
        if (match.Success)
        {
            return $"'{match.Groups["value"].Value}' is not valid for {match.Groups["kind"].Value} '{match.Groups["name"].Value}': expected {Describe(match.Groups["type"].Value)}.";
        }
        return LineBreaks().Replace(message, " ");   // "Must be one of:\n\t'bash'\n\t'zsh'" on one line
    }

    private static string Describe(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.UInt32" or "System.UInt64" or "System.Nullable`1[System.UInt64]" => "a whole number (0 or more)",
        "System.Double" => "a number",
        "System.Boolean" => "true or false",
        _ when type.StartsWith("System.Nullable`1[System.UInt64]", StringComparison.Ordinal) => "a whole number (0 or more)",
        _ => "a value of another form (see --help)",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<kind>option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"\s*\n\s*")]
    private static partial Regex LineBreaks();
}
