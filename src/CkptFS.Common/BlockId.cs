namespace CkptFS.Common;

/// <summary>A block's 64-bit id; never reused.</summary>
public readonly record struct BlockId(ulong Value)
{
    public override string ToString() => $"blk_{Value}";
}
