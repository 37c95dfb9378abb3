using System.CommandLine;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckptfs ckpt ...`: checkpoints as first-class objects (checkpoint.proto). One file per subcommand.</summary>
internal static class CkptCommand
{
    public static Command Create() => new("ckpt", "Checkpoints: atomic multi-shard save and commit, resume, retention, tensors, interval advice.")
    {
        CkptSaveCommand.Create(),
        CkptPutShardCommand.Create(),
        CkptCommitCommand.Create(),
        CkptLsCommand.Create(),
        CkptLatestCommand.Create(),
        CkptShowCommand.Create(),
        CkptTensorCommand.Create(),
        CkptRestoreCommand.Create(),
        CkptRmCommand.Create(),
        CkptRetainCommand.Create(),
        CkptGcCommand.Create(),
        CkptAdviseCommand.Create(),
    };
}
