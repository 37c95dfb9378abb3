using System.CommandLine;
using System.Globalization;

namespace CkptFS.Cli.Parsing;

/// <summary>
/// Numeric options refuse values outside their range at parse time, naming the range (exit 2):
/// `put -r 0` used to mean "the default" silently.
/// </summary>
public static class NumberRange
{
    public static Option<int> Within(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            // The text, not GetValueOrDefault: that throws on "-r abc", which the parser reports itself.
            if (result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value) && (value < min || value > max))
            {
                result.AddError($"{option.Name} must be between {min} and {max}, not {value}.");
            }
        });
        return option;
    }
}
