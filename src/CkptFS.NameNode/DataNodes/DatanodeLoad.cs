namespace CkptFS.NameNode.DataNodes;

/// <summary>What a heartbeat says about a DataNode: its storage (summed over data folders) and its load.</summary>
public readonly record struct DatanodeLoad(long CapacityBytes, long UsedBytes, long RemainingBytes, int TransfersInProgress);
