using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The namespace core on a real RocksDB store in a temp folder, with a fake clock. <see cref="Restart"/>
/// closes everything and loads it back from disk, as a NameNode restart does: the block map and the
/// DataNode registry start empty (soft state) and the block map is in safe mode until reports come.
/// </summary>
public sealed class NamespaceHarness : IDisposable
{
    private readonly TempDirectory _directory = new("ckptfs-ns");
    private RocksMetadataStore _store = null!;
    private GroupCommitter _committer = null!;

    /// <param name="seedMetadata">A metadata folder to start from (copied, never changed); null for an empty namespace.</param>
    public NamespaceHarness(NamespaceOptions? options = null, BlockManagerOptions? blockOptions = null, DatanodeManagerOptions? datanodeOptions = null,
        string? seedMetadata = null)
    {
        Options = options ?? new NamespaceOptions();
        BlockOptions = blockOptions ?? new BlockManagerOptions();
        DatanodeOptions = datanodeOptions ?? new DatanodeManagerOptions();
        if (seedMetadata is not null)
        {
            CopyMetadata(seedMetadata, _directory.Combine("metadata"));
        }
        Open();
    }

    public BlockManagerOptions BlockOptions { get; }

    public DatanodeManagerOptions DatanodeOptions { get; }

    public BlockManager Blocks { get; private set; } = null!;

    public DatanodeManager Datanodes { get; private set; } = null!;

    /// <summary>The event ring the DataNode registry and the namespace feed (new at each open, as a NameNode restart starts it empty).</summary>
    public NameNodeEventLog Events { get; private set; } = null!;

    /// <summary>Short limits so that tests move the fake clock by seconds: soft 10 s, hard 60 s, recovery timeout 30 s.</summary>
    public LeaseOptions LeaseOptions { get; } = new()
    {
        SoftLimit = TimeSpan.FromSeconds(10),
        HardLimit = TimeSpan.FromSeconds(60),
        RecoveryTimeout = TimeSpan.FromSeconds(30),
    };

    public LeaseManager Leases { get; private set; } = null!;

    public BlockRecoveries Recoveries { get; private set; } = null!;

    public LeaseMonitor LeaseMonitor { get; private set; } = null!;

    /// <summary>A namespace with an empty block map and DataNode registry, for tests that build their own committer.</summary>
    public static FsNamespace NewNamespace(GroupCommitter committer, TimeProvider time)
    {
        var blocks = new BlockManager(new BlockManagerOptions(), NullLogger<BlockManager>.Instance);
        blocks.LoadFromNamespace(committer.Published);
        var datanodes = new DatanodeManager(time, new DatanodeManagerOptions(), blocks, new Random(1), NullLogger<DatanodeManager>.Instance);
        var leaseOptions = new LeaseOptions();
        return new FsNamespace(committer, new NamespaceOptions(), blocks, datanodes, new LeaseManager(time, leaseOptions), new BlockRecoveries(time, leaseOptions),
            NullLogger<FsNamespace>.Instance);
    }

    /// <summary>Copies a metadata folder (RocksDB's folder is flat: its files are all there is).</summary>
    public static void CopyMetadata(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public NamespaceOptions Options { get; }

    public FsNamespace Fs { get; private set; } = null!;

    /// <summary>Checkpoint settings of <see cref="Checkpoints"/>; change them before a <see cref="Restart"/> to apply.</summary>
    public CheckpointOptions CheckpointOptions { get; } = new();

    public CheckpointManager Checkpoints { get; private set; } = null!;

    public GroupCommitter Committer => _committer;

    public void Restart()
    {
        Close();
        Open();
    }

    public Task<NamespaceEntry> MkdirAsync(string path, bool parents = false) => Fs.MkdirsAsync(FsPath.Parse(path), parents);

    public Task<NamespaceEntry> CreateAsync(string path, string holder = "client-a", bool overwrite = false, bool parents = false) =>
        Fs.CreateAsync(new CreateFileRequest(FsPath.Parse(path), holder, overwrite, parents));

    public async Task<NamespaceEntry> TouchAsync(string path, string holder = "client-a")
    {
        await CreateAsync(path, holder);
        return (await Fs.CompleteAsync(FsPath.Parse(path), holder)).Entry;
    }

    public Task<NamespaceEntry> RenameAsync(string source, string destination, bool overwrite = false) =>
        Fs.RenameAsync(FsPath.Parse(source), FsPath.Parse(destination), overwrite);

    public Task<DeleteResult> DeleteAsync(string path, bool recursive = false) => Fs.DeleteAsync(FsPath.Parse(path), recursive);

    /// <summary>Registers a DataNode and gives it a heartbeat with room for blocks (1 TiB free unless told).</summary>
    public DatanodeAddress AddDatanode(string uuid, string? host = null, string location = "/rack-a", long remainingBytes = 1L << 40, int transfers = 0)
    {
        var address = new DatanodeAddress(uuid, host ?? $"host-{uuid}", 9866, 9864, 0, location);
        Datanodes.Register(address);
        Heartbeat(uuid, remainingBytes, transfers);
        return address;
    }

    public void Heartbeat(string uuid, long remainingBytes = 1L << 40, int transfers = 0) =>
        Assert.True(Datanodes.Heartbeat(uuid, new DatanodeLoad(2L << 40, 0, remainingBytes, transfers)));

    /// <summary>An incremental report: <paramref name="uuid"/> finalized <paramref name="block"/> with its length (as the RPC handler passes it on).</summary>
    public void Received(string uuid, FileBlock block)
    {
        Blocks.ProcessIncrementalReport(uuid, [(new ReportedReplica(block.Id, block.GenerationStamp, block.NumBytes, ReplicaKind.Finalized), ReplicaChange.Received)]);
        Datanodes.BlocksReceived(uuid, 1);
    }

    public Task<AllocatedBlock> AddBlockAsync(string path, FileBlock? previous, string holder = "client-a", string? clientHost = null, params string[] excluded) =>
        Fs.AddBlockAsync(FsPath.Parse(path), holder, previous, excluded.ToHashSet(), clientHost);

    public bool Exists(string path) => Fs.Current.Find(FsPath.Parse(path)) is not null;

    /// <summary>Every inode as one line (path, kind, id and attributes), in path order: equal dumps mean equal namespaces.</summary>
    public IReadOnlyList<string> Dump()
    {
        var lines = new List<string>();
        void Walk(string path, Inode inode)
        {
            lines.Add(inode switch
            {
                FileInode f => $"{path} file id={f.Id} len={f.Length} blocks=[{string.Join(",", f.Blocks)}] rep={f.Replication} bs={f.BlockSize} holder={f.LeaseHolder} mtime={f.ModificationTimeMs} atime={f.AccessTimeMs} mode={f.Permission} owner={f.Owner}:{f.Group}",
                DirectoryInode d => $"{path} dir id={d.Id} mtime={d.ModificationTimeMs} atime={d.AccessTimeMs} mode={d.Permission} owner={d.Owner}:{d.Group}",
                _ => throw new InvalidOperationException(),
            });
            if (inode is DirectoryInode directory)
            {
                foreach (var (name, child) in directory.Children)
                {
                    Walk(path == "/" ? "/" + name : path + "/" + name, child);
                }
            }
        }
        Walk("/", Fs.Current.Root);
        return lines;
    }

    public void Dispose()
    {
        Close();
        _directory.Dispose();
    }

    private void Open()
    {
        _store = new RocksMetadataStore(_directory.Combine("metadata"));
        var image = _store.Load();
        _committer = new GroupCommitter(_store, image, Time, NullLogger<GroupCommitter>.Instance);
        Blocks = new BlockManager(BlockOptions, NullLogger<BlockManager>.Instance);
        Blocks.LoadFiles(image.LoadedFiles.WithBlocks);
        // Seeded: placement's tie-breaks are the same on every run.
        Events = new NameNodeEventLog(Time);
        Datanodes = new DatanodeManager(Time, DatanodeOptions, Blocks, new Random(42), NullLogger<DatanodeManager>.Instance) { Events = Events };
        Leases = new LeaseManager(Time, LeaseOptions);
        Leases.Load(image.LoadedFiles.UnderConstruction);
        Recoveries = new BlockRecoveries(Time, LeaseOptions);
        Fs = new FsNamespace(_committer, Options, Blocks, Datanodes, Leases, Recoveries, NullLogger<FsNamespace>.Instance) { Events = Events };
        LeaseMonitor = new LeaseMonitor(Fs, Leases, Recoveries, Blocks, NullLogger<LeaseMonitor>.Instance);
        Checkpoints = new CheckpointManager(_committer, Fs, Blocks, CheckpointOptions, NullLogger<CheckpointManager>.Instance);
    }

    private void Close()
    {
        Datanodes.Dispose();
        _committer.Dispose();
        _store.Dispose();
    }
}
