using CkptFS.Common.Checksums;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.V1;
using CkptFS.Testing;

namespace CkptFS.DataNode.Tests;

/// <summary>A BlockStore over temp folders (deleted on dispose), with helpers to write replicas packet by packet.</summary>
internal sealed class StoreFixture : IDisposable
{
    private readonly List<TempDirectory> _folders;

    public StoreFixture(int volumes = 1, IEnumerable<string>? folders = null)
    {
        _folders = folders is null ? [.. Enumerable.Range(0, volumes).Select(_ => new TempDirectory("ckptfs-dn"))] : [];
        Options = new DataNodeStorageOptions { DataFolders = folders?.ToList() ?? [.. _folders.Select(folder => folder.Path)] };
        Store = Open();
    }

    public DataNodeStorageOptions Options { get; }

    public TestLog Log { get; } = new();

    public BlockStore.BlockStore Store { get; private set; }

    /// <summary>A fresh store over the same folders, as after a restart.</summary>
    public BlockStore.BlockStore Restart() => Store = Open();

    public static ExtendedBlock Block(ulong id, ulong generationStamp = 1) => new() { BlockId = id, GenerationStamp = generationStamp };

    /// <summary>Appends <paramref name="data"/> in packets of <paramref name="packetBytes"/> with correct checksums.</summary>
    public static void Append(ReplicaWriter writer, long offset, ReadOnlySpan<byte> data, int packetBytes = 64 * 1024)
    {
        for (var at = 0; at < data.Length; at += packetBytes)
        {
            var chunk = data.Slice(at, Math.Min(packetBytes, data.Length - at));
            var checksums = new byte[ChunkChecksums.ChecksumBytes(chunk.Length, writer.BytesPerChecksum)];
            ChunkChecksums.Compute(chunk, writer.BytesPerChecksum, checksums);
            writer.Write(offset + at, chunk, checksums);
        }
    }

    /// <summary>An rbw replica of <paramref name="block"/> holding <paramref name="data"/>, with no writer left (as after a client vanished).</summary>
    public static void WriteRbw(BlockStore.BlockStore store, ExtendedBlock block, ReadOnlySpan<byte> data)
    {
        using var writer = store.CreateRbw(block, 512);
        Append(writer, 0, data);
        writer.Acknowledge(data.Length);
    }

    public byte[] WriteFinalized(ulong id, int length, int seed)
    {
        var data = RandomBytes(length, seed);
        using var writer = Store.CreateRbw(Block(id), 512);
        Append(writer, 0, data);
        writer.FinalizeReplica();
        return data;
    }

    /// <summary>State, genstamp and visible length of a replica report (all default when there is none), to compare in one assert.</summary>
    public static (ReplicaState State, ulong GenerationStamp, ulong Bytes) StateOf(ReplicaReport? report) =>
        report is null ? default : (report.State, report.Block.GenerationStamp, report.Block.NumBytes);

    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static byte[] ReadAll(ReplicaInput input)
    {
        var data = new byte[input.Length];
        input.ReadData(0, data);
        var checksums = new byte[ChunkChecksums.ChecksumBytes(data.Length, input.BytesPerChecksum)];
        input.ReadChecksums(0, checksums);
        Assert.Equal(-1, ChunkChecksums.Verify(data, input.BytesPerChecksum, checksums));
        return data;
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }
    }

    private BlockStore.BlockStore Open() => new(Options, Log.For<BlockStore.BlockStore>());
}
