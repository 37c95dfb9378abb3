using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// One shard of a committed checkpoint open for reading (sequential and positional reads, every
/// chunk verified). If the checkpoint is deleted while it is read (retention, `ckpt rm`), a read
/// either still gets the right bytes or fails with <see cref="ErrorCode.CheckpointNotFound"/>
/// saying so: never other bytes (block ids are never reused).
/// </summary>
public sealed class ShardInputStream : Stream
{
    private readonly CkptFsInputStream _input;
    private readonly CheckpointInfo _checkpoint;

    internal ShardInputStream(CkptFsInputStream input, CheckpointInfo checkpoint, ShardEntry shard)
    {
        _input = input;
        _checkpoint = checkpoint;
        Shard = shard;
    }

    public ShardEntry Shard { get; }

    public override bool CanRead => _input.CanRead;

    public override bool CanSeek => _input.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _input.Length;

    public override long Position { get => _input.Position; set => _input.Position = value; }

    public override long Seek(long offset, SeekOrigin origin) => _input.Seek(offset, origin);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Guard(_checkpoint, () => _input.ReadAsync(buffer, cancellationToken).AsTask()));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Reads up to buffer.Length bytes at <paramref name="offset"/> (fewer only at the end) without moving the position.</summary>
    public Task<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Guard(_checkpoint, () => _input.ReadAtAsync(offset, buffer, cancellationToken));

    public override async ValueTask DisposeAsync()
    {
        await _input.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Turns "the file or its blocks are gone" into the reason: the checkpoint was deleted under the reader.</summary>
    internal static async Task<T> Guard<T>(CheckpointInfo checkpoint, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (CkptFsException e) when (e.Code is ErrorCode.FileNotFound or ErrorCode.BlockMissing)
        {
            throw new CkptFsException(ErrorCode.CheckpointNotFound,
                $"Step {checkpoint.Step} of {checkpoint.Job} was deleted while it was being read (retention or 'ckpt rm'); load the latest checkpoint again. ({e.Message})", e);
        }
    }
}
