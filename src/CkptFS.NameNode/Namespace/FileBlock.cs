using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// One block of a file as the namespace knows it (HDFS ExtendedBlock): its id, generation stamp and
/// length. The length of a closed file's blocks is final; the last block of a file under construction
/// grows as the writer reports acknowledged bytes (UpdateLength, AddBlock's previous, Complete).
/// </summary>
public readonly record struct FileBlock(BlockId Id, GenerationStamp GenerationStamp, long NumBytes)
{
    public override string ToString() => $"{Id}_{GenerationStamp} ({NumBytes} bytes)";
}
