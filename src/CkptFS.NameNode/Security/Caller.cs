namespace CkptFS.NameNode.Security;

/// <summary>Who a call acts for, as the permission checker sees them.</summary>
public sealed record Caller(string User, IReadOnlySet<string> Groups, bool IsSuperuser);

/// <summary>The permission bits of one class (owner, group or other), as HDFS's FsAction.</summary>
[Flags]
public enum FsAction
{
    None = 0,
    Execute = 1,
    Write = 2,
    Read = 4,
    ReadExecute = Read | Execute,
    WriteExecute = Write | Execute,
    All = Read | Write | Execute,
}
