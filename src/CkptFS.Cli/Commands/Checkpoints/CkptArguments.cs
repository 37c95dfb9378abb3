using System.CommandLine;
using System.CommandLine.Parsing;
using CkptFS.Cli.Paths;
using CkptFS.Client;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>Arguments and options the `ckpt` commands share.</summary>
internal static class CkptArguments
{
    public static Argument<string> Job() => RemotePath.One("job", "The job: the CkptFS directory its checkpoints live in, e.g. /jobs/llama-7b.");

    public static Argument<ulong> Step() => new("step")
    {
        Description = "Training step (published as JOB/step-NNNNNNNN).",
        CustomParser = result => ParseStep(result),
    };

    /// <summary>An optional STEP (the latest when left out).</summary>
    public static Argument<ulong?> OptionalStep() => new("step")
    {
        Description = "Training step (default: the latest).",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : ParseStep(result),
    };

    public static Option<int> Parallel() => CliOptions.Parallel("Shards transferred at once");

    public static Option<bool> Quiet() => new("-q", "--quiet") { Description = "No progress and no summary." };

    public static Option<int> Replication() => CliOptions.Replication();

    private static ulong ParseStep(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var step))
        {
            return step;
        }
        result.AddError($"STEP must be a whole number (0 or more), not '{text}'.");
        return 0;
    }

    public static Option<string?> BlockSize() => new("--block-size") { Description = "Block size, e.g. 256M (default: the NameNode's, 128 MiB)." };

    public static CreateFileOptions CreateOptions(ParseResult result, Option<int> replication, Option<string?> blockSize) => new()
    {
        Replication = result.GetValue(replication),
        BlockSizeBytes = result.GetValue(blockSize) is { } size ? Transfers.SizeParser.Parse(size, "--block-size") : 0,
    };
}
