using System.Collections.Concurrent;
using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// The writing side of one rank (one process, or one thread of it) for one checkpoint step:
/// <code>
/// var writer = await CheckpointWriter.BeginAsync(client, "/jobs/llama", step: 1000);
/// await using (var shard = await writer.CreateShardAsync($"rank-{rank}.safetensors"))
/// {
///     await shard.WriteAsync(bytes);
///     await shard.CompleteAsync();            // durable; size, CRC32C, tensors recorded
/// }
/// </code>
/// Then one coordinator commits (<see cref="CheckpointCommitter"/>): with <see cref="Shards"/>
/// gathered from every rank, or, when ranks are separate processes, from the shard records each
/// writer leaves in the pending folder (on by default: <c>writeShardRecords</c>). Shards are ordinary
/// files under JOB/.pending/step-N, so any number of ranks write at once, one writer per shard.
/// </summary>
public sealed class CheckpointWriter
{
    private readonly CkptFsClient _client;
    private readonly bool _writeShardRecords;
    private readonly ConcurrentDictionary<string, ShardEntry> _shards = new(StringComparer.Ordinal);

    private CheckpointWriter(CkptFsClient client, FsPath job, ulong step, FsPath pending, bool writeShardRecords)
    {
        _client = client;
        _writeShardRecords = writeShardRecords;
        Job = job;
        Step = step;
        Pending = pending;
    }

    public FsPath Job { get; }

    public ulong Step { get; }

    /// <summary>JOB/.pending/step-N: where the shards are written until the commit.</summary>
    public FsPath Pending { get; }

    /// <summary>The entries of the shards this writer completed, in path order.</summary>
    public IReadOnlyList<ShardEntry> Shards => [.. _shards.Values.OrderBy(s => s.Path, StringComparer.Ordinal)];

    /// <summary>Makes the pending folder exist (idempotent: every rank calls it) and returns a writer for it.</summary>
    public static async Task<CheckpointWriter> BeginAsync(CkptFsClient client, string job, ulong step, bool writeShardRecords = true, CancellationToken cancellationToken = default)
    {
        var response = await client.BeginCheckpointAsync(job, step, cancellationToken);
        return new CheckpointWriter(client, FsPath.Parse(job), step, FsPath.Parse(response.PendingPath), writeShardRecords);
    }

    /// <summary>
    /// Opens shard <paramref name="shardPath"/> (relative, e.g. "rank-3.safetensors" or "optim/rank-3.bin")
    /// for writing; an earlier attempt at the same shard (a restarted rank) is replaced.
    /// </summary>
    public async Task<ShardOutputStream> CreateShardAsync(string shardPath, CreateFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (CheckpointNames.ShardPathProblem(shardPath) is { } problem)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot write a shard of step {Step} of {Job}: {problem}.");
        }
        var file = CheckpointNames.ShardPath(Pending, shardPath);
        var output = await _client.CreateAsync(file.Value, (options ?? new CreateFileOptions()) with { Overwrite = true, CreateParents = true }, cancellationToken);
        return new ShardOutputStream(_client, output, Pending, shardPath, _writeShardRecords, entry => _shards[entry.Path] = entry);
    }

    /// <summary>Writes a whole shard from <paramref name="source"/> and completes it.</summary>
    public async Task<ShardEntry> WriteShardAsync(string shardPath, Stream source, CreateFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var shard = await CreateShardAsync(shardPath, options, cancellationToken);
        await source.CopyToAsync(shard, CopyBufferBytes, cancellationToken);
        return await shard.CompleteAsync(cancellationToken);
    }

    /// <summary>Bytes per write of <see cref="WriteShardAsync"/>: a few packets, so the pipeline stays full.</summary>
    private const int CopyBufferBytes = 4 * 1024 * 1024;
}
