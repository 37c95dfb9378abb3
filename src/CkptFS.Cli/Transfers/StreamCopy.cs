using System.Buffers;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// Copies one stream to another with two pooled buffers, reading the next chunk while the previous
/// one is written, so a local disk and the network work at the same time.
/// </summary>
public static class StreamCopy
{
    public const int ChunkBytes = 4 * 1024 * 1024;

    public static async Task<long> CopyAsync(Stream source, Stream destination, Action<long>? progress, CancellationToken cancellationToken)
    {
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(ChunkBytes), ArrayPool<byte>.Shared.Rent(ChunkBytes) };
        try
        {
            long total = 0;
            var current = 0;
            var read = await source.ReadAsync(buffers[current].AsMemory(0, ChunkBytes), cancellationToken);
            while (read > 0)
            {
                var next = 1 - current;
                var nextRead = source.ReadAsync(buffers[next].AsMemory(0, ChunkBytes), cancellationToken).AsTask();
                try
                {
                    await destination.WriteAsync(buffers[current].AsMemory(0, read), cancellationToken);
                }
                catch
                {
                    await Task.WhenAny(nextRead);
                    throw;
                }
                total += read;
                progress?.Invoke(read);
                read = await nextRead;
                current = next;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }
    }
}
