namespace CkptFS.Client.Checkpoints;

/// <summary>
/// A write-through stream that computes the CRC-32C of everything written to it on the way to
/// <see cref="Inner"/>: a restore checks a whole shard against its manifest entry while it writes
/// it, with no second read.
/// </summary>
public sealed class Crc32CStream(Stream inner) : Stream
{
    private uint _state = 0xFFFFFFFF;
    private long _length;

    public Stream Inner => inner;

    /// <summary>The CRC-32C of the bytes written so far.</summary>
    public uint Crc32C => ~_state;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _state = Common.Checksums.Crc32C.Update(_state, buffer.Span);
        _length += buffer.Length;
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
