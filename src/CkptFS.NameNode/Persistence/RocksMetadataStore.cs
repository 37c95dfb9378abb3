using System.Buffers.Binary;
using CkptFS.Common;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.V1;
using CkptFS.Storage.RocksDb;
using Google.Protobuf;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// The NameNode's metadata in RocksDB. Key layout (big-endian ids keep records in id order):
///   "i" + id(8)            → InodeRecord
///   "m/next-inode-id"      → u64
///   "m/layout-version"     → u32
///   "m/counters"           → CountersRecord (absent until the first block: then the initial values)
///   "m/block-keys"        → BlockKeysRecord (absent until the first start that made keys)
///   "cj" / "cc"            → checkpoint jobs and committed checkpoints (<see cref="CheckpointRecords"/>)
///   "m/token-key", "t" + id(8) → client tokens' signing key and the live tokens (<see cref="TokenRecords"/>)
/// Every <see cref="Commit"/> is one write batch with a synced WAL.
/// </summary>
public sealed class RocksMetadataStore : IMetadataStore
{
    public const uint LayoutVersion = 1;

    private static readonly byte[] InodePrefix = "i"u8.ToArray();
    private static readonly byte[] NextInodeIdKey = "m/next-inode-id"u8.ToArray();
    private static readonly byte[] LayoutVersionKey = "m/layout-version"u8.ToArray();
    private static readonly byte[] CountersKey = "m/counters"u8.ToArray();
    private static readonly byte[] BlockKeysKey = "m/block-keys"u8.ToArray();

    private readonly RocksDatabase _db;

    public RocksMetadataStore(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        _db = RocksDatabase.Open(directory, new RocksDbOptions());
        Directory = directory;
    }

    public string Directory { get; }

    public MetadataImage Load()
    {
        var version = _db.Get(LayoutVersionKey);
        if (version is null)
        {
            return Format();
        }
        var layout = BinaryPrimitives.ReadUInt32BigEndian(version);
        if (layout != LayoutVersion)
        {
            throw new CkptFsException(ErrorCode.StorageCorrupt,
                $"The metadata in {Directory} has layout version {layout}; this NameNode reads version {LayoutVersion}.");
        }
        var loader = new NamespaceLoader();
        foreach (var (_, value) in _db.ScanPrefix(InodePrefix))
        {
            loader.Add(InodeRecord.Parser.ParseFrom(value));
        }
        var nextId = _db.Get(NextInodeIdKey) ?? throw new CkptFsException(ErrorCode.StorageCorrupt, $"The metadata in {Directory} has no inode id counter.");
        var counters = _db.Get(CountersKey) is { } bytes ? CountersRecord.Parser.ParseFrom(bytes) : null;
        var blockKeys = _db.Get(BlockKeysKey) is { } keyBytes ? BlockKeySet.FromRecord(BlockKeysRecord.Parser.ParseFrom(keyBytes)) : null;
        return new MetadataImage(loader.Build(), BinaryPrimitives.ReadUInt64BigEndian(nextId),
            counters is null ? IdCounters.Initial : new IdCounters(counters.NextBlockId, counters.NextGenerationStamp),
            CheckpointRecords.Load(_db), loader.Files, TokenRecords.Load(_db), blockKeys);
    }

    public void Commit(IReadOnlyList<MetadataOp> ops)
    {
        using var batch = new RocksWriteBatch();
        Span<byte> key = stackalloc byte[9];
        Span<byte> number = stackalloc byte[8];
        foreach (var op in ops)
        {
            switch (op)
            {
                case MetadataOp.PutInode put:
                    InodeKey(put.Inode.Id, key);
                    batch.Put(key, InodeRecords.ToRecord(put.Inode).ToByteArray());
                    break;
                case MetadataOp.DeleteInode delete:
                    InodeKey(delete.Id, key);
                    batch.Delete(key);
                    break;
                case MetadataOp.PutNextInodeId next:
                    BinaryPrimitives.WriteUInt64BigEndian(number, next.Value);
                    batch.Put(NextInodeIdKey, number);
                    break;
                case MetadataOp.PutCounters counters:
                    batch.Put(CountersKey, new CountersRecord
                    {
                        NextBlockId = counters.Counters.NextBlockId,
                        NextGenerationStamp = counters.Counters.NextGenerationStamp,
                    }.ToByteArray());
                    break;
                case MetadataOp.PutBlockKeys keys:
                    batch.Put(BlockKeysKey, keys.Keys.ToRecord().ToByteArray());
                    break;
                case MetadataOp.PutCheckpointJob or MetadataOp.DeleteCheckpointJob or MetadataOp.PutCheckpoint or MetadataOp.DeleteCheckpoint:
                    CheckpointRecords.Write(batch, op);
                    break;
                case MetadataOp.PutTokenKey or MetadataOp.PutToken or MetadataOp.DeleteToken:
                    TokenRecords.Write(batch, op);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown metadata op {op.GetType().Name}.");
            }
        }
        _db.Write(batch, sync: true);
    }

    public void Dispose() => _db.Dispose();

    private MetadataImage Format()
    {
        var root = new DirectoryInode(InodeId.Root, InodeId.None, string.Empty, 0, 0, "ckptfs", "ckptfs",
            FsNamespace.DefaultDirectoryPermission, DirectoryInode.NoChildren);
        var firstFreeId = InodeId.Root.Value + 1;
        using (var batch = new RocksWriteBatch())
        {
            Span<byte> key = stackalloc byte[9];
            InodeKey(root.Id, key);
            batch.Put(key, InodeRecords.ToRecord(root).ToByteArray());
            Span<byte> number = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(number, firstFreeId);
            batch.Put(NextInodeIdKey, number);
            Span<byte> layout = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(layout, LayoutVersion);
            batch.Put(LayoutVersionKey, layout);
            _db.Write(batch, sync: true);
        }
        return new MetadataImage(new NamespaceTree(root, 1), firstFreeId, IdCounters.Initial, Files: LoadedFiles.None);
    }

    private static void InodeKey(InodeId id, Span<byte> key)
    {
        key[0] = InodePrefix[0];
        BinaryPrimitives.WriteUInt64BigEndian(key[1..], id.Value);
    }
}
