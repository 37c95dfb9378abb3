using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// The reading side: find the checkpoint to resume from and load what a rank needs, down to one
/// tensor (a positional read of exactly its bytes, every chunk checksum-verified).
/// <code>
/// var reader = new CheckpointReader(client);
/// var latest = await reader.GetLatestAsync("/jobs/llama");
/// byte[] weights = await reader.ReadTensorAsync(latest, "model.layers.0.attn.q_proj.weight");
/// </code>
/// A checkpoint deleted while it is read (retention, `ckpt rm`) fails the read with
/// <see cref="ErrorCode.CheckpointNotFound"/> saying so, or the read finishes: never other bytes
/// (block ids are never reused and every chunk is verified).
/// </summary>
public sealed class CheckpointReader(CkptFsClient client)
{
    /// <summary>The newest intact checkpoint of the job, with its manifest.</summary>
    public Task<CheckpointInfo> GetLatestAsync(string job, CancellationToken cancellationToken = default) =>
        client.GetCheckpointAsync(job, null, cancellationToken);

    public Task<CheckpointInfo> GetAsync(string job, ulong step, CancellationToken cancellationToken = default) =>
        client.GetCheckpointAsync(job, step, cancellationToken);

    public Task<ListCheckpointsResponse> ListAsync(string job, CancellationToken cancellationToken = default) =>
        client.ListCheckpointsAsync(job, cancellationToken);

    /// <summary>Opens one shard of a committed checkpoint (<paramref name="checkpoint"/> from Get, with its manifest).</summary>
    public async Task<ShardInputStream> OpenShardAsync(CheckpointInfo checkpoint, string shardPath, CancellationToken cancellationToken = default)
    {
        var shard = FindShard(checkpoint, shardPath);
        var input = await ShardInputStream.Guard(checkpoint, () => client.OpenAsync(PathOf(checkpoint, shardPath), cancellationToken));
        return new ShardInputStream(input, checkpoint, shard);
    }

    /// <summary>The bytes of tensor <paramref name="name"/> (in the first shard that has it, or in <paramref name="shardPath"/>).</summary>
    public async Task<byte[]> ReadTensorAsync(CheckpointInfo checkpoint, string name, string? shardPath = null, CancellationToken cancellationToken = default)
    {
        var (shard, tensor) = FindTensor(checkpoint, name, shardPath);
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)(tensor.End - tensor.Begin)));
        await ReadTensorIntoAsync(checkpoint, shard, tensor, bytes, cancellationToken);
        return bytes;
    }

    /// <summary>Reads tensor <paramref name="name"/> into <paramref name="destination"/> (exactly its size).</summary>
    public async Task ReadTensorAsync(CheckpointInfo checkpoint, string name, Memory<byte> destination, string? shardPath = null, CancellationToken cancellationToken = default)
    {
        var (shard, tensor) = FindTensor(checkpoint, name, shardPath);
        if ((ulong)destination.Length != tensor.End - tensor.Begin)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Tensor {name} is {tensor.End - tensor.Begin} bytes; the destination holds {destination.Length}.");
        }
        await ReadTensorIntoAsync(checkpoint, shard, tensor, destination, cancellationToken);
    }

    private async Task ReadTensorIntoAsync(CheckpointInfo checkpoint, ShardEntry shard, TensorInfo tensor, Memory<byte> destination, CancellationToken cancellationToken)
    {
        await using var input = await OpenShardAsync(checkpoint, shard.Path, cancellationToken);
        var read = await input.ReadAtAsync((long)tensor.Begin, destination, cancellationToken);
        if (read != destination.Length)
        {
            throw new CkptFsException(ErrorCode.CheckpointIncomplete,
                $"Shard {shard.Path} of step {checkpoint.Step} of {checkpoint.Job} ends before tensor {tensor.Name} does (read {read} of {destination.Length} bytes).");
        }
    }

    private static string PathOf(CheckpointInfo checkpoint, string shardPath) =>
        CheckpointNames.ShardPath(FsPath.Parse(checkpoint.Path), shardPath).Value;

    private static ShardEntry FindShard(CheckpointInfo checkpoint, string shardPath) =>
        RequireManifest(checkpoint).Shards.FirstOrDefault(s => s.Path == shardPath)
        ?? throw new CkptFsException(ErrorCode.FileNotFound, $"Step {checkpoint.Step} of {checkpoint.Job} has no shard {shardPath}.");

    private static (ShardEntry Shard, TensorInfo Tensor) FindTensor(CheckpointInfo checkpoint, string name, string? shardPath)
    {
        var shards = shardPath is null ? RequireManifest(checkpoint).Shards : [FindShard(checkpoint, shardPath)];
        foreach (var shard in shards)
        {
            if (shard.Tensors.FirstOrDefault(t => t.Name == name) is { } tensor)
            {
                return (shard, tensor);
            }
        }
        throw new CkptFsException(ErrorCode.FileNotFound,
            $"Step {checkpoint.Step} of {checkpoint.Job} has no tensor named {name}{(shardPath is null ? "" : $" in {shardPath}")} (see 'ckptfs ckpt show {checkpoint.Job} {checkpoint.Step}').");
    }

    private static CheckpointManifest RequireManifest(CheckpointInfo checkpoint) =>
        checkpoint.Manifest ?? throw new CkptFsException(ErrorCode.InvalidArgument,
            $"The description of step {checkpoint.Step} of {checkpoint.Job} has no manifest; get it with GetAsync or GetLatestAsync.");
}
