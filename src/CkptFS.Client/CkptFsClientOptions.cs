using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.Client;

/// <summary>Settings of a <see cref="CkptFsClient"/>, with the defaults a CLI call or a training job wants.</summary>
public sealed class CkptFsClientOptions
{
    /// <summary>The environment variable that names the NameNode when no address is given.</summary>
    public const string NameNodeEnvironmentVariable = "CKPTFS_NAMENODE";

    public const string DefaultNameNodeAddress = "127.0.0.1:8020";

    /// <summary>NameNode RPC address, HOST:PORT.</summary>
    public string NameNodeAddress { get; set; } = Environment.GetEnvironmentVariable(NameNodeEnvironmentVariable) is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : DefaultNameNodeAddress;

    /// <summary>
    /// A PEM CA bundle: the client speaks TLS to the NameNode and trusts only servers whose
    /// certificate chains to it and names the host dialled; DataNodes whose transfer port serves TLS
    /// are checked against it too. Default: <c>$CKPTFS_TLS_CA</c>; null or
    /// empty: cleartext, unless the address starts with <c>https://</c> (then the system's trust store).
    /// </summary>
    public string? TlsCaFile { get; set; } = Environment.GetEnvironmentVariable(CkptFS.Protocol.Tls.TlsClientTrust.CaFileEnvironmentVariable) is { Length: > 0 } caFile
        ? caFile
        : null;

    /// <summary>
    /// Mutual TLS: a PEM client certificate (and <see cref="TlsKeyFile"/>, its key) presented to a
    /// NameNode that asks for one; it then acts for the certificate's CN without a token. Default:
    /// <c>$CKPTFS_TLS_CERT</c> and <c>$CKPTFS_TLS_KEY</c>; null: none.
    /// </summary>
    public string? TlsCertificateFile { get; set; } = Environment.GetEnvironmentVariable(CkptFS.Protocol.Tls.TlsClientTrust.CertificateEnvironmentVariable) is { Length: > 0 } file ? file : null;

    /// <summary>The PEM private key of <see cref="TlsCertificateFile"/> (unencrypted).</summary>
    public string? TlsKeyFile { get; set; } = Environment.GetEnvironmentVariable(CkptFS.Protocol.Tls.TlsClientTrust.KeyEnvironmentVariable) is { Length: > 0 } file ? file : null;

    /// <summary>
    /// The client's unique name: the lease holder of files it writes and the client id of its
    /// request ids. Unique per client instance, as HDFS's DFSClient_&lt;random&gt;.
    /// </summary>
    public string ClientName { get; set; } = $"ckptfs-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>The user recorded as owner of what this client creates (when the NameNode authenticates, its token's user instead).</summary>
    public string User { get; set; } = Environment.UserName;

    /// <summary>The environment variable that holds a bearer token (<c>ckptfs token issue</c>).</summary>
    public const string TokenEnvironmentVariable = "CKPTFS_TOKEN";

    /// <summary>The environment variable that names a file holding a bearer token (a mounted Kubernetes secret).</summary>
    public const string TokenFileEnvironmentVariable = "CKPTFS_TOKEN_FILE";

    /// <summary>
    /// The bearer token sent on every NameNode call (required when the NameNode runs with
    /// Authentication:Mode=token); by default from CKPTFS_TOKEN, else from the file CKPTFS_TOKEN_FILE names.
    /// </summary>
    public string? Token { get; set; } = TokenFromEnvironment();

    /// <summary>Deadline of one NameNode call (each retry gets its own).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The environment variable that sets <see cref="NameNodeWait"/> (a TimeSpan or a number of seconds, e.g. <c>120</c>, <c>00:02:00</c>).</summary>
    public const string NameNodeWaitEnvironmentVariable = "CKPTFS_NAMENODE_WAIT";

    public static readonly TimeSpan DefaultNameNodeWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long one call keeps retrying while the NameNode is away: unreachable (connection refused
    /// or reset: a pod restart or an upgrade), in safe mode after a restart, or answering a transient
    /// "retry shortly" (a block's replicas not reported yet, no DataNode registered yet). Default 2 min
    /// (<c>CKPTFS_NAMENODE_WAIT</c>); <see cref="TimeSpan.Zero"/> fails at the first refusal. Safe for
    /// every call: reads are idempotent and mutations carry request ids (see the README, client SDK).
    /// Errors that a retry cannot cure (not found, exists, lease held by another) fail at once.
    /// </summary>
    public TimeSpan NameNodeWait { get; set; } = NameNodeWaitFromEnvironment() ?? DefaultNameNodeWait;

    /// <summary>First back-off while waiting for the NameNode (200 ms); doubles per retry up to <see cref="RetryBackoffMax"/>, with jitter (each delay is 50-100 % of its step).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest back-off between two retries (2 s): a NameNode back after a restart is noticed within about 2 s.</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>This machine's name as DataNodes know it: a DataNode on the same host is chosen first for writes and reads.</summary>
    public string ClientHost { get; set; } = CkptFsClient.DefaultClientHost();

    /// <summary>Pipelines tried for one block before a write fails (HDFS dfs.client.block.write.retries, 3).</summary>
    public int BlockWriteAttempts { get; set; } = 3;

    /// <summary>
    /// Pipeline recoveries one block may go through (a DataNode failing mid-block, or one failing during
    /// a recovery, each count one) before the write fails: 5, as HDFS's limit of 5 recoveries per packet.
    /// </summary>
    public int PipelineRecoveryAttempts { get; set; } = 5;

    /// <summary>
    /// How long a create with overwrite waits while the NameNode recovers the file it replaces (the
    /// previous writer died and its soft limit passed): 60 s, backing off from 100 ms to 2 s.
    /// </summary>
    public TimeSpan LeaseRecoveryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long close waits for the last block's replicas to be reported before it fails.</summary>
    public TimeSpan CompleteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest lease renewal period: 30 s, half the default soft limit; a NameNode with a shorter soft limit gets half of its own.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the SDK logs what a caller does not see in results: pipeline recoveries (Warning). None by default.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    public BlockIO.BlockWriterOptions BlockWriter { get; set; } = new();

    public BlockIO.BlockReaderOptions BlockReader { get; set; } = new();

    /// <summary>The clock of back-off and NameNode waits (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Parses a wait as the CLI and <c>CKPTFS_NAMENODE_WAIT</c> give it: seconds (<c>30</c>, <c>0.5</c>),
    /// a unit suffix (<c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>) or a TimeSpan (<c>00:02:00</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Not a non-negative duration; the message names <paramref name="source"/>.</exception>
    public static TimeSpan ParseWait(string text, string source)
    {
        var trimmed = text.Trim();
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') || trimmed.EndsWith('S') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') || trimmed.EndsWith('M') => (trimmed[..^1], 60.0),
            _ when trimmed.EndsWith('h') || trimmed.EndsWith('H') => (trimmed[..^1], 3600.0),
            _ when trimmed.EndsWith('d') || trimmed.EndsWith('D') => (trimmed[..^1], 86400.0),
            _ => (trimmed, 1.0),
        };
        if (double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value))
        {
            return TimeSpan.FromSeconds(value * scale);
        }
        if (TimeSpan.TryParse(trimmed, System.Globalization.CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }
        throw new ArgumentException($"{source} '{text}' is not a duration: give seconds (120), a unit (500ms, 30s, 2m, 24h, 7d) or hh:mm:ss (00:02:00).", nameof(text));
    }

    private static TimeSpan? NameNodeWaitFromEnvironment() =>
        Environment.GetEnvironmentVariable(NameNodeWaitEnvironmentVariable) is { Length: > 0 } text
            ? ParseWait(text, NameNodeWaitEnvironmentVariable)
            : null;

    /// <summary>CKPTFS_TOKEN, else the first line of the file CKPTFS_TOKEN_FILE names (read once, at construction).</summary>
    public static string? TokenFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(TokenEnvironmentVariable) is { Length: > 0 } token)
        {
            return token.Trim();
        }
        if (Environment.GetEnvironmentVariable(TokenFileEnvironmentVariable) is not { Length: > 0 } file)
        {
            return null;
        }
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Common.CkptFsException(Common.ErrorCode.Unauthenticated, $"Cannot read the token file {file} named by {TokenFileEnvironmentVariable}: {e.Message}");
        }
    }
}
