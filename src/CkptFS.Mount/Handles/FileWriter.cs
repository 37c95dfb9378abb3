using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Client.Streams;

namespace CkptFS.Mount.Handles;

/// <summary>
/// Where a write handle's bytes go: a plain CkptFS file, or a checkpoint shard (the same file, plus
/// the shard record the SDK's checkpoint writer makes: size, CRC32C and, for safetensors, the tensor
/// table, computed as the bytes stream).
/// </summary>
internal abstract class FileWriter
{
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>hflush: every replica holds what was written, and readers can see it.</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Closes the file: durable on every replica when this returns (and the shard recorded).</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Gives the file up without completing it; its lease is released for recovery.</summary>
    public abstract Task AbortAsync();

    public static async Task<FileWriter> CreatePlainAsync(CkptFsClient client, string path, bool overwrite, CancellationToken cancellationToken) =>
        new Plain(await client.CreateAsync(path, new CreateFileOptions { Overwrite = overwrite, CreateParents = false }, cancellationToken));

    public static async Task<FileWriter> CreateShardAsync(CkptFsClient client, string job, ulong step, string shardPath, CancellationToken cancellationToken)
    {
        var checkpoint = await CheckpointWriter.BeginAsync(client, job, step, writeShardRecords: true, cancellationToken);
        return new Shard(await checkpoint.CreateShardAsync(shardPath, cancellationToken: cancellationToken));
    }

    private sealed class Plain(CkptFsOutputStream output) : FileWriter
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => output.WriteAsync(data, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override Task CompleteAsync(CancellationToken cancellationToken) => output.CloseAsync(cancellationToken);

        public override Task AbortAsync() => output.AbortAsync();
    }

    private sealed class Shard(ShardOutputStream shard) : FileWriter
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => shard.WriteAsync(data, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => shard.FlushAsync(cancellationToken);

        public override Task CompleteAsync(CancellationToken cancellationToken) => shard.CompleteAsync(cancellationToken);

        public override Task AbortAsync() => shard.AbortAsync();
    }
}
