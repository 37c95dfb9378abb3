using System.Buffers;
using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Scanner;

/// <summary>
/// Verifies every finalized replica against its stored checksums in the background, rate-limited, so
/// that silent corruption (a bad sector, a flipped bit) is found before a reader or a re-replication
/// needs that copy. A corrupt replica is reported to the NameNode once, which copies the block from a
/// good replica and then deletes this one.
///
/// Loop: wait InitialDelay; then per pass: take the replica list, read each finalized replica in
/// 1 MiB spans, verify, sleep as needed to stay under BytesPerSecond; wait for the next pass.
/// Replicas deleted or replaced while scanned are skipped, not reported.
/// </summary>
public sealed partial class BlockScanner : IAsyncDisposable
{
    private const int SpanBytes = 1024 * 1024;

    private readonly BlockScannerOptions _options;
    private readonly BlockStore.BlockStore _store;
    private readonly Func<ExtendedBlock, string, CancellationToken, Task> _reportCorrupt;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<(ulong Block, ulong Stamp)> _reported = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _bytesScanned;
    private long _corruptFound;
    private long _passes;
    private long _passBytes;
    private long _passTotalBytes;
    private long _passStartedMs;
    private long _lastPassCompletedMs;

    /// <param name="reportCorrupt">Tells the NameNode about a corrupt replica (block, reason).</param>
    public BlockScanner(BlockScannerOptions options, BlockStore.BlockStore store, Func<ExtendedBlock, string, CancellationToken, Task> reportCorrupt, TimeProvider time, ILogger<BlockScanner> logger)
    {
        options.Validate();
        _options = options;
        _store = store;
        _reportCorrupt = reportCorrupt;
        _time = time;
        _logger = logger;
    }

    public long BytesScanned => Interlocked.Read(ref _bytesScanned);

    public long CorruptFound => Interlocked.Read(ref _corruptFound);

    public long PassesCompleted => Interlocked.Read(ref _passes);

    /// <summary>Where the scanner is (the DataNode's status page): the pass under way, or the last one when it waits.</summary>
    public BlockScannerProgress Progress => new(
        _options.Enabled, PassesCompleted, Interlocked.Read(ref _passBytes), Interlocked.Read(ref _passTotalBytes),
        Interlocked.Read(ref _passStartedMs), Interlocked.Read(ref _lastPassCompletedMs), BytesScanned, CorruptFound, _options.BytesPerSecond);

    public void Start()
    {
        if (_options.Enabled)
        {
            _loop = RunAsync(_stop.Token);
        }
    }

    /// <summary>One full pass over the finalized replicas; returns how many corrupt ones it found.</summary>
    public async Task<int> ScanOnceAsync(CancellationToken cancellationToken)
    {
        var found = 0;
        var started = _time.GetTimestamp();
        long passBytes = 0;
        var data = ArrayPool<byte>.Shared.Rent(SpanBytes);
        var replicas = _store.ListReplicas().Where(r => r.State == ReplicaState.Finalized).ToList();
        Interlocked.Exchange(ref _passTotalBytes, replicas.Sum(r => (long)r.Block.NumBytes));
        Interlocked.Exchange(ref _passBytes, 0);
        Interlocked.Exchange(ref _passStartedMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        try
        {
            foreach (var replica in replicas)
            {
                var bad = ScanReplica(replica.Block, data, ref passBytes);
                if (bad is { } chunk && _reported.Add((replica.Block.BlockId, replica.Block.GenerationStamp)))
                {
                    found++;
                    Interlocked.Increment(ref _corruptFound);
                    LogCorrupt(replica.Block.BlockId, chunk);
                    await _reportCorrupt(replica.Block, $"block scanner: chunk {chunk} does not match its checksum", cancellationToken);
                }
                await ThrottleAsync(started, passBytes, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
        Interlocked.Exchange(ref _lastPassCompletedMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _passes);
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>The first corrupt chunk of the replica, or null when it verifies (or vanished meanwhile).</summary>
    private long? ScanReplica(ExtendedBlock block, byte[] data, ref long passBytes)
    {
        byte[]? checksums = null;
        try
        {
            using var input = _store.OpenForRead(block);
            var span = SpanBytes / input.BytesPerChecksum * input.BytesPerChecksum;
            checksums = ArrayPool<byte>.Shared.Rent(ChunkChecksums.ChecksumBytes(span, input.BytesPerChecksum));
            for (long offset = 0; offset < input.Length; offset += span)
            {
                var length = (int)Math.Min(span, input.Length - offset);
                var bad = input.ReadVerified(offset, data.AsSpan(0, length), checksums);
                passBytes += length;
                Interlocked.Add(ref _bytesScanned, length);
                Interlocked.Add(ref _passBytes, length);
                if (bad >= 0)
                {
                    return bad;
                }
            }
            return null;
        }
        catch (CkptFsException e) when (e.Code is ErrorCode.BlockNotFound or ErrorCode.StaleGenerationStamp)
        {
            return null; // deleted or replaced while the pass ran
        }
        finally
        {
            if (checksums is not null)
            {
                ArrayPool<byte>.Shared.Return(checksums);
            }
        }
    }

    private async Task ThrottleAsync(long started, long passBytes, CancellationToken cancellationToken)
    {
        var due = TimeSpan.FromSeconds((double)passBytes / _options.BytesPerSecond) - _time.GetElapsedTime(started);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, _time, cancellationToken);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        await Task.Delay(_options.InitialDelay, _time, stopping);
        while (!stopping.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                await ScanOnceAsync(stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(e); // next pass retries; a failed report is found again then
            }
            var wait = _options.PassInterval - _time.GetElapsedTime(started);
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, stopping);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Block scanner: the replica of blk_{BlockId} is corrupt (chunk {Chunk}); reporting it to the NameNode")]
    private partial void LogCorrupt(ulong blockId, long chunk);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Block scanner pass failed; the next pass tries again")]
    private partial void LogPassFailed(Exception exception);
}
