using CkptFS.Storage.Files;
using Microsoft.Win32.SafeHandles;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// Sync-behind for a replica being written (HDFS's sync-behind-writes and drop-behind): each time
/// another <c>stepBytes</c> have been written, writeback of that step starts, and the step before it
/// is waited for. Without it a whole block piles up dirty in the page cache and finalize's fsync
/// flushes it all while the pipeline waits, so receiving and flushing take turns; with it the disk
/// writes while the block streams, at most two steps are dirty, and finalize's fsync (still what
/// makes the replica durable) has about one step left. With drop-behind the waited-for step is also
/// dropped from the page cache: a checkpoint being written is rarely read back soon, and it would
/// otherwise push out data that is.
/// </summary>
internal sealed class SyncBehind(SafeFileHandle data, long stepBytes, bool dropBehind)
{
    /// <summary>Where the step whose writeback was started last begins, and where it ends.</summary>
    private long _inFlightStart;
    private long _inFlightEnd;

    /// <summary>Steps started: tells a test (and a metric) that writeback runs while the block streams.</summary>
    public int Steps { get; private set; }

    /// <summary>The replica's data now reaches <paramref name="end"/>: start the steps it completed.</summary>
    public void Written(long end)
    {
        if (stepBytes <= 0)
        {
            return;
        }
        while (end - _inFlightEnd >= stepBytes)
        {
            // Wait for the step before first: that bounds the dirty data to two steps, and paces the
            // writer to the disk (its packets are acknowledged only as fast as the disk takes them).
            if (_inFlightEnd > _inFlightStart)
            {
                Writeback.WriteAndWait(data, _inFlightStart, _inFlightEnd - _inFlightStart);
                if (dropBehind)
                {
                    Writeback.DropFromCache(data, _inFlightStart, _inFlightEnd - _inFlightStart);
                }
            }
            if (!Writeback.Start(data, _inFlightEnd, stepBytes))
            {
                stepBytes = 0;   // not supported here: finalize's fsync does it all, as before
                return;
            }
            _inFlightStart = _inFlightEnd;
            _inFlightEnd += stepBytes;
            Steps++;
        }
    }
}
