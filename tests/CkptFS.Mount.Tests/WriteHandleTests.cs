using CkptFS.Common;
using CkptFS.Mount.Handles;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CkptFS.Mount.Tests;

/// <summary>The write handle's buffering rules, against a writer that records what reaches it.</summary>
public sealed class WriteHandleTests
{
    private const int Window = 1024;

    [Fact]
    public void SequentialWritesReachTheWriterInOrderAndCloseCompletes()
    {
        var (handle, sink) = Open();
        var data = Pattern(5000);
        for (var at = 0; at < data.Length; at += 700)
        {
            Assert.Equal(0, handle.Write(data.AsSpan(at, Math.Min(700, data.Length - at)), at));
        }
        Assert.Equal(5000, handle.Length);
        Assert.True(sink.Received.Count >= 4 * Window, "full windows are sent as they fill");
        Assert.Equal(0, handle.Close(0));
        Assert.True(sink.Completed);
        Assert.Equal(data, sink.Received.ToArray());
    }

    [Fact]
    public void ARewriteInsideTheUnsentWindowChangesTheBytes()
    {
        var (handle, sink) = Open();
        handle.Write(Pattern(Window + 100), 0);
        handle.Write([0xAA, 0xBB], Window + 10);   // inside the unsent tail
        Assert.Equal(0, handle.Close(0));
        var bytes = sink.Received.ToArray();
        Assert.Equal(Window + 100, bytes.Length);
        Assert.Equal(0xAA, bytes[Window + 10]);
        Assert.Equal(0xBB, bytes[Window + 11]);
    }

    [Fact]
    public void AWriteBeforeTheWindowIsRefusedAndSpoilsTheFile()
    {
        var deleted = new List<string>();
        var (handle, sink) = Open(deleted);
        handle.Write(Pattern(3 * Window), 0);
        Assert.Equal(-Errno.EOPNOTSUPP, handle.Write([1], 10));
        Assert.Equal(-Errno.EOPNOTSUPP, handle.Write([1], 3 * Window));
        Assert.Equal(-Errno.EIO, handle.Close(0));
        Assert.False(sink.Completed);
        Assert.True(sink.Aborted);
        Assert.Equal(["/f"], deleted);
    }

    [Fact]
    public void AGapPastTheEndIsFilledWithZeros()
    {
        var (handle, sink) = Open();
        handle.Write([1, 2, 3], 0);
        handle.Write([9], 2500);
        Assert.Equal(0, handle.Close(0));
        var bytes = sink.Received.ToArray();
        Assert.Equal(2501, bytes.Length);
        Assert.All(bytes[3..2500], b => Assert.Equal(0, b));
        Assert.Equal(9, bytes[2500]);
    }

    [Fact]
    public void AFailedSendIsReturnedByTheWriteAndByClose()
    {
        var (handle, sink) = Open();
        sink.FailWith = new CkptFsException(ErrorCode.DiskFull, "no room");
        Assert.Equal(-Errno.ENOSPC, handle.Write(Pattern(2 * Window), 0));
        Assert.Equal(-Errno.ENOSPC, handle.Close(0));
        Assert.True(sink.Aborted);
        Assert.False(sink.Completed);
    }

    [Fact]
    public void FsyncSendsTheBufferAndFlushes()
    {
        var (handle, sink) = Open();
        handle.Write(Pattern(100), 0);
        Assert.Equal(0, handle.Sync());
        Assert.Equal(100, sink.Received.Count);
        Assert.Equal(1, sink.Flushes);
        Assert.Equal(-Errno.EOPNOTSUPP, handle.Write([1], 50));
    }

    [Fact]
    public void TruncateToTheLengthOrInsideTheWindowWorks()
    {
        var (handle, sink) = Open();
        handle.Write(Pattern(500), 0);
        Assert.Equal(0, handle.Truncate(500));
        Assert.Equal(0, handle.Truncate(0));
        handle.Write(Pattern(10), 0);
        Assert.Equal(0, handle.Close(0));
        Assert.Equal(10, sink.Received.Count);
    }

    [Fact]
    public void ALaterFlushOfTheSameHandleReturnsTheFirstResult()
    {
        var (handle, sink) = Open();
        handle.Write(Pattern(10), 0);
        Assert.Equal(0, handle.Close(0));
        Assert.Equal(0, handle.Close(0));
        Assert.Equal(-Errno.EBADF, handle.Write([1], 10));
        handle.Release();
        Assert.False(sink.Aborted);
    }

    private static (WriteHandle Handle, RecordingWriter Sink) Open(List<string>? deleted = null)
    {
        var sink = new RecordingWriter();
        var options = new MountOptions { WriteBufferBytes = Window, MaxGapBytes = 4 * Window };
        var handle = new WriteHandle("/f", "/f", sink, options, NullLogger.Instance, path =>
        {
            deleted?.Add(path);
            return Task.CompletedTask;
        });
        return (handle, sink);
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    private sealed class RecordingWriter : FileWriter
    {
        public List<byte> Received { get; } = [];

        public Exception? FailWith { get; set; }

        public bool Completed { get; private set; }

        public bool Aborted { get; private set; }

        public int Flushes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (FailWith is not null)
            {
                throw FailWith;
            }
            Received.AddRange(data.ToArray());
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }

        public override Task CompleteAsync(CancellationToken cancellationToken)
        {
            Completed = true;
            return Task.CompletedTask;
        }

        public override Task AbortAsync()
        {
            Aborted = true;
            return Task.CompletedTask;
        }
    }
}
