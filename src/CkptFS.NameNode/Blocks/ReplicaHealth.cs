namespace CkptFS.NameNode.Blocks;

/// <summary>One replica of a block as the replication monitor sees it: where, finalized or not, corrupt or not.</summary>
public readonly record struct ReplicaHealth(string DatanodeUuid, bool Finalized, bool Corrupt);
