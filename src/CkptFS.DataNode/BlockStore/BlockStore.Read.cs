using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Storage.Files;

namespace CkptFS.DataNode.BlockStore;

public sealed partial class BlockStore
{
    /// <summary>
    /// Opens the replica of <paramref name="block"/> for reading: a finalized one whole, an rbw one up
    /// to the bytes acknowledged. BlockNotFound when this node has none; StaleGenerationStamp when its
    /// replica is older than the block asked for (a newer one is fine: the pipeline moved on).
    /// </summary>
    public ReplicaInput OpenForRead(ExtendedBlock block)
    {
        var id = new BlockId(block.BlockId);
        lock (_lock)
        {
            if (!_replicas.TryGetValue(id, out var replica))
            {
                throw new CkptFsException(ErrorCode.BlockNotFound, $"{id} is not on this DataNode.");
            }

            if (replica.GenerationStamp.Value < block.GenerationStamp)
            {
                throw new CkptFsException(ErrorCode.StaleGenerationStamp,
                    $"The replica of {id} here has genstamp {replica.GenerationStamp}, older than the {block.GenerationStamp} asked for.");
            }

            // Opened under the lock so that finalize cannot rename the files between the lookup and the open.
            Microsoft.Win32.SafeHandles.SafeFileHandle? data = null;
            try
            {
                data = File.OpenHandle(replica.DataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var meta = File.OpenHandle(replica.MetaPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                BeginTransfer();
                return new ReplicaInput(id, replica.GenerationStamp, replica.VisibleLength, replica.BytesPerChecksum, replica.State == ReplicaState.Finalized, data, meta, replica.DataPath, EndTransfer);
            }
            catch (IOException exception)
            {
                data?.Dispose();
                throw FileErrors.FromIOException(exception, "open replica", replica.DataPath);
            }
        }
    }
}
