namespace CkptFS.Common;

/// <summary>
/// Every error CkptFS reports, in ranges per area. The numbers travel on the wire (the
/// <c>ckptfs-error-code</c> trailer) so they never change meaning; add, never renumber.
/// The gRPC status each one maps to lives in one table (CkptFS.Protocol ErrorCodeStatus).
/// </summary>
public enum ErrorCode
{
    None = 0,

    // 1xxx: namespace
    InvalidPath = 1001,
    FileNotFound = 1002,
    FileAlreadyExists = 1003,
    ParentNotDirectory = 1004,
    NotADirectory = 1005,
    IsADirectory = 1006,
    DirectoryNotEmpty = 1007,
    InvalidRename = 1008,
    InvalidArgument = 1009,
    FileNotUnderConstruction = 1010,
    /// <summary>A directory's namespace or space quota would be exceeded; the message names the directory and its limit. Not transient.</summary>
    QuotaExceeded = 1011,

    // 2xxx: leases
    LeaseHeldByOther = 2001,
    LeaseNotHeld = 2002,
    LeaseExpired = 2003,
    /// <summary>Lease or block recovery of the file is under way: try again shortly (recover-lease polls).</summary>
    RecoveryInProgress = 2004,

    // 3xxx: blocks and replicas
    BlockNotFound = 3001,
    NotEnoughDataNodes = 3002,
    StaleGenerationStamp = 3003,
    ChecksumMismatch = 3004,
    NotEnoughReplicas = 3005,
    BlockMissing = 3006,

    // 4xxx: DataNodes and storage
    DiskFull = 4001,
    DataNodeNotRegistered = 4002,
    InvalidAccessToken = 4003,
    StorageCorrupt = 4004,
    StorageFailure = 4005,
    /// <summary>A DataNodeProtocol call without a valid cluster proof (Security:ClusterSecretFile); the message says what is missing. Not transient.</summary>
    DataNodeNotAuthenticated = 4006,

    // 5xxx: checkpoints
    CheckpointNotFound = 5001,
    CheckpointIncomplete = 5002,

    // 6xxx: security
    /// <summary>The call carries no credentials, or ones the NameNode does not accept (a bad, expired or revoked token); the message says what is missing.</summary>
    Unauthenticated = 6001,
    /// <summary>The caller is known but may not do this (not a superuser, not the token's owner).</summary>
    PermissionDenied = 6002,

    // 9xxx: server state and internal
    SafeMode = 9001,
    Unavailable = 9002,
    DeadlineExceeded = 9003,
    Cancelled = 9004,
    /// <summary>Client and server disagree about TLS (cleartext at a TLS port, an untrusted certificate, TLS at a cleartext port). Client-side; not transient.</summary>
    TlsMismatch = 9005,
    Internal = 9999,
}
