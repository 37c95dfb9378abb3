namespace CkptFS.Common;

/// <summary>A file or directory's 64-bit id; never reused. The root is 1; 0 means none.</summary>
public readonly record struct InodeId(ulong Value)
{
    public static readonly InodeId None = new(0);
    public static readonly InodeId Root = new(1);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
