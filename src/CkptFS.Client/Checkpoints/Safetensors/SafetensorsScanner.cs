using CkptFS.Common;

namespace CkptFS.Client.Checkpoints.Safetensors;

/// <summary>
/// Reads a safetensors header out of bytes as they stream past (a shard being uploaded), so the
/// tensor table costs no second read: it keeps only the first 8 + N bytes, then ignores the rest.
/// </summary>
public sealed class SafetensorsScanner
{
    private byte[] _buffer = new byte[sizeof(ulong)];
    private int _filled;
    private long _headerLength = -1;

    /// <summary>The parsed header once all of it went past; null before.</summary>
    public SafetensorsHeader? Header { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (Header is null && !data.IsEmpty)
        {
            var take = Math.Min(data.Length, _buffer.Length - _filled);
            data[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            if (_filled < _buffer.Length)
            {
                return;
            }
            if (_headerLength < 0)
            {
                _headerLength = SafetensorsHeader.ReadLength(_buffer);
                _buffer = new byte[_headerLength];
                _filled = 0;
            }
            else
            {
                Header = SafetensorsHeader.Parse(_buffer);
                _buffer = [];
            }
        }
    }

    /// <summary>The header, checked against the file's final size; fails when the file ended inside the header.</summary>
    public SafetensorsHeader Finish(long fileBytes)
    {
        var header = Header ?? throw new CkptFsException(ErrorCode.InvalidArgument,
            $"not a valid safetensors file: it ends after {fileBytes} bytes, inside its header");
        header.CheckSize(fileBytes);
        return header;
    }
}
