using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using CkptFS.Common;
using CkptFS.NameNode.Persistence;
using CkptFS.Protocol.Checkpoints;
using CkptFS.Protocol.V1;
using CkptFS.Storage.RocksDb;
using Google.Protobuf;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// The checkpoint catalog in RocksDB, next to the inodes (RocksMetadataStore), written in the same
/// batches as the namespace changes they go with:
///   "cj" + job path (UTF-8)                          → CheckpointJobRecord (latest pointer, retention)
///   "cc" + job path + 0x00 + step (8 bytes, big-endian) → CheckpointRecord (folder inode, manifest JSON)
/// Paths never contain NUL, so 0x00 ends the job part and a job's checkpoints sort by step.
/// </summary>
internal static class CheckpointRecords
{
    private static readonly byte[] JobPrefix = "cj"u8.ToArray();
    private static readonly byte[] CheckpointPrefix = "cc"u8.ToArray();

    public static void Write(RocksWriteBatch batch, MetadataOp op)
    {
        switch (op)
        {
            case MetadataOp.PutCheckpointJob put:
                batch.Put(JobKey(put.Job.Path), ToRecord(put.Job).ToByteArray());
                break;
            case MetadataOp.DeleteCheckpointJob delete:
                batch.Delete(JobKey(delete.Job));
                break;
            case MetadataOp.PutCheckpoint put:
                batch.Put(CheckpointKey(put.Checkpoint.Job, put.Checkpoint.Step), ToRecord(put.Checkpoint).ToByteArray());
                break;
            case MetadataOp.DeleteCheckpoint delete:
                batch.Delete(CheckpointKey(delete.Job, delete.Step));
                break;
            default:
                throw new InvalidOperationException($"{op.GetType().Name} is not a checkpoint op.");
        }
    }

    /// <summary>
    /// Rebuilds the catalog. A checkpoint record without its job record (not written by this code,
    /// but harmless) gets a default job, so that nothing committed is lost from view.
    /// </summary>
    public static CheckpointCatalog Load(RocksDatabase db)
    {
        var jobs = new Dictionary<string, CheckpointJob>(StringComparer.Ordinal);
        foreach (var (_, value) in db.ScanPrefix(JobPrefix))
        {
            var record = CheckpointJobRecord.Parser.ParseFrom(value);
            var path = FsPath.Parse(record.Job);
            var retention = new CheckpointRetention((int)record.Retention.KeepLast, (int)record.Retention.KeepEvery);
            jobs[path.Value] = new CheckpointJob(path, record.HasLatest ? record.LatestStep : null, retention, ImmutableSortedDictionary<ulong, CommittedCheckpoint>.Empty);
        }
        foreach (var (_, value) in db.ScanPrefix(CheckpointPrefix))
        {
            var record = CheckpointRecord.Parser.ParseFrom(value);
            var path = FsPath.Parse(record.Job);
            var job = jobs.GetValueOrDefault(path.Value) ?? CheckpointJob.New(path);
            jobs[path.Value] = job.With(new CommittedCheckpoint(path, record.Step, new InodeId(record.DirectoryInodeId), record.CommittedMs,
                ManifestJson.Parse(record.ManifestJson)));
        }
        var catalog = CheckpointCatalog.Empty;
        foreach (var job in jobs.Values)
        {
            catalog = catalog.With(job);
        }
        return catalog;
    }

    private static CheckpointJobRecord ToRecord(CheckpointJob job) => new()
    {
        Job = job.Path.Value,
        HasLatest = job.LatestStep.HasValue,
        LatestStep = job.LatestStep ?? 0,
        Retention = new RetentionPolicy { KeepLast = (uint)job.Retention.KeepLast, KeepEvery = (uint)job.Retention.KeepEvery },
    };

    private static CheckpointRecord ToRecord(CommittedCheckpoint checkpoint) => new()
    {
        Job = checkpoint.Job.Value,
        Step = checkpoint.Step,
        DirectoryInodeId = checkpoint.DirectoryId.Value,
        CommittedMs = checkpoint.CommittedMs,
        ManifestJson = ManifestJson.Format(checkpoint.Manifest),
    };

    private static byte[] JobKey(FsPath job) => [.. JobPrefix, .. Encoding.UTF8.GetBytes(job.Value)];

    private static byte[] CheckpointKey(FsPath job, ulong step)
    {
        var path = Encoding.UTF8.GetBytes(job.Value);
        var key = new byte[CheckpointPrefix.Length + path.Length + 1 + sizeof(ulong)];
        CheckpointPrefix.CopyTo(key, 0);
        path.CopyTo(key, CheckpointPrefix.Length);
        key[CheckpointPrefix.Length + path.Length] = 0;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(^sizeof(ulong)), step);
        return key;
    }
}
