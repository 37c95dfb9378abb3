namespace CkptFS.NameNode.Blocks;

/// <summary>What a DataNode said about its replica: finalized (complete on disk) or still being written.</summary>
public enum ReplicaKind
{
    Finalized,
    BeingWritten,
}
