using CkptFS.Common;

namespace CkptFS.NameNode.Audit;

/// <summary>
/// One audited call: when, who (the ckptfs-user the client names; null when it names none), from
/// where (the peer's address), the RPC, its paths, and whether it was allowed; a refused or failed
/// call carries its error code.
/// </summary>
public readonly record struct AuditEvent(
    DateTimeOffset Time, string? User, string Client, string Command, string? Source, string? Destination, ErrorCode Error)
{
    public bool Allowed => Error == ErrorCode.None;
}
