using System.CommandLine;
using CkptFS.Client;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>Arguments and options the `ckpt` commands share.</summary>
internal static class CkptArguments
{
    public static Argument<string> Job() => new("job") { Description = "The job: the CkptFS directory its checkpoints live in, e.g. /jobs/llama-7b." };

    public static Argument<ulong> Step() => new("step") { Description = "Training step (published as JOB/step-NNNNNNNN)." };

    public static Option<int> Parallel() => new("--parallel") { Description = "Shards transferred at once.", DefaultValueFactory = _ => 4 };

    public static Option<bool> Quiet() => new("-q", "--quiet") { Description = "No progress and no summary." };

    public static Option<int> Replication() => new("-r", "--replication") { Description = "Replicas per block (default: the NameNode's, 3)." };

    public static Option<string?> BlockSize() => new("--block-size") { Description = "Block size, e.g. 256M (default: the NameNode's, 128 MiB)." };

    public static CreateFileOptions CreateOptions(ParseResult result, Option<int> replication, Option<string?> blockSize) => new()
    {
        Replication = result.GetValue(replication),
        BlockSizeBytes = result.GetValue(blockSize) is { } size ? Transfers.SizeParser.Parse(size, "--block-size") : 0,
    };
}
