using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.Storage.Files;
using Microsoft.Win32.SafeHandles;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// A replica opened for reading: its length is fixed when opened (the finalized length, or the bytes
/// acknowledged of an rbw replica). The open handles stay valid when the replica is finalized (renamed)
/// or deleted meanwhile, as POSIX keeps an unlinked file's data until its last descriptor closes.
/// </summary>
public sealed class ReplicaInput : IDisposable
{
    private readonly SafeFileHandle _data;
    private readonly SafeFileHandle _meta;
    private readonly string _dataPath;
    private readonly Action _onClose;
    private int _disposed;

    internal ReplicaInput(BlockId block, GenerationStamp generationStamp, long length, int bytesPerChecksum, bool finalized, SafeFileHandle data, SafeFileHandle meta, string dataPath,
        Action onClose)
    {
        BlockId = block;
        GenerationStamp = generationStamp;
        Length = length;
        BytesPerChecksum = bytesPerChecksum;
        IsFinalized = finalized;
        _data = data;
        _meta = meta;
        _dataPath = dataPath;
        _onClose = onClose;
    }

    public BlockId BlockId { get; }

    /// <summary>The replica's genstamp when opened (a recovery may give it a newer one meanwhile).</summary>
    public GenerationStamp GenerationStamp { get; }

    /// <summary>Bytes a reader may see.</summary>
    public long Length { get; }

    public int BytesPerChecksum { get; }

    /// <summary>False for an rbw replica: its last partial chunk may have grown on disk past <see cref="Length"/>.</summary>
    public bool IsFinalized { get; }

    /// <summary>The data file, for sendfile(2): valid until this input is disposed; its bytes past <see cref="Length"/> are not the reader's.</summary>
    internal SafeFileHandle DataHandle => _data;

    /// <summary>The data file's path, for messages.</summary>
    internal string DataPath => _dataPath;

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; it must lie within <see cref="Length"/>.</summary>
    public void ReadData(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + destination.Length}) is outside the {Length} bytes of {BlockId}.");
        }

        ReadFully(_data, offset, destination);
    }

    /// <summary>Fills <paramref name="destination"/> with the stored checksums from chunk <paramref name="firstChunk"/> on.</summary>
    public void ReadChecksums(long firstChunk, Span<byte> destination) =>
        ReadFully(_meta, ReplicaMetaHeader.Size + (firstChunk * ChunkChecksums.ChecksumSize), destination);

    /// <summary>
    /// Reads <paramref name="data"/> from the chunk-aligned <paramref name="offset"/> and checks it against
    /// the stored checksums (read into <paramref name="checksumBuffer"/>); returns the index in the whole
    /// replica of the first chunk that does not match, or -1 when every chunk does.
    /// </summary>
    public long ReadVerified(long offset, Span<byte> data, byte[] checksumBuffer)
    {
        ReadData(offset, data);
        var checksums = checksumBuffer.AsSpan(0, ChunkChecksums.ChecksumBytes(data.Length, BytesPerChecksum));
        ReadChecksums(offset / BytesPerChecksum, checksums);
        var bad = ChunkChecksums.Verify(data, BytesPerChecksum, checksums);
        return bad < 0 ? -1 : (offset / BytesPerChecksum) + bad;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _data.Dispose();
            _meta.Dispose();
            _onClose();
        }
    }

    private void ReadFully(SafeFileHandle handle, long offset, Span<byte> destination)
    {
        try
        {
            while (!destination.IsEmpty)
            {
                var read = RandomAccess.Read(handle, destination, offset);
                if (read == 0)
                {
                    throw new CkptFsException(ErrorCode.StorageCorrupt, $"{BlockId} ends early on disk ('{_dataPath}', offset {offset}).");
                }

                destination = destination.Slice(read);
                offset += read;
            }
        }
        catch (IOException exception)
        {
            throw FileErrors.FromIOException(exception, "read replica", _dataPath);
        }
    }
}
