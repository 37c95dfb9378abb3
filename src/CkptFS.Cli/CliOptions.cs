using System.CommandLine;
using CkptFS.Cli.Parsing;
using CkptFS.Client;
using CkptFS.Protocol.Tls;
using Microsoft.Extensions.Logging;

namespace CkptFS.Cli;

/// <summary>Options several commands share, and the client they configure.</summary>
public static class CliOptions
{
    /// <summary>Given once on the root, valid on every command.</summary>
    public static readonly Option<string?> NameNode = new("--namenode")
    {
        Description = $"NameNode address HOST:PORT (default: ${CkptFsClientOptions.NameNodeEnvironmentVariable} or {CkptFsClientOptions.DefaultNameNodeAddress}).",
        Recursive = true,
    };

    /// <summary>Given once on the root, valid on every command that talks to the NameNode.</summary>
    public static readonly Option<string?> NameNodeWait = new("--namenode-wait")
    {
        Description = $"How long a call waits for a NameNode that is away (restarting, in safe mode) before it fails: 30s, 2m, 0 for no wait " +
                      $"(default: ${CkptFsClientOptions.NameNodeWaitEnvironmentVariable} or {CkptFsClientOptions.DefaultNameNodeWait.TotalMinutes:0} min).",
        Recursive = true,
    };

    /// <summary>Given once on the root: TLS to the NameNode, trusting this CA bundle only.</summary>
    public static readonly Option<string?> TlsCa = new("--tls-ca")
    {
        Description = $"PEM CA bundle: talk TLS to the NameNode and trust only certificates it signed (default: ${TlsClientTrust.CaFileEnvironmentVariable}; none: cleartext).",
        Recursive = true,
    };

    /// <summary>Stack traces with the error line, and the client's debug log.</summary>
    public static readonly Option<bool> Debug = new("--debug")
    {
        Description = "On an error, print its stack trace too; log the client's debug messages.",
        Recursive = true,
    };

    /// <summary>The most replicas a NameNode accepts by default (NamespaceOptions.MaxReplication).</summary>
    public const int MaxReplication = 512;

    /// <summary>The most transfers one command runs at once: beyond this a client only adds contention.</summary>
    public const int MaxParallel = 256;

    public static Option<int> Replication() =>
        new Option<int>("-r", "--replication") { Description = $"Replicas per block, 1..{MaxReplication} (default: the NameNode's, 3)." }.Within(1, MaxReplication);

    public static Option<int> Parallel(string description) =>
        new Option<int>("--parallel") { Description = $"{description} (1..{MaxParallel}).", DefaultValueFactory = _ => Transfers.ParallelTransfer.DefaultParallel }.Within(1, MaxParallel);

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of text." };

    /// <summary>
    /// A client for the NameNode the user named; <paramref name="logging"/> receives its warnings (none when null).
    /// <paramref name="defaultNameNodeWait"/> replaces the SDK's default wait when the user set none.
    /// </summary>
    public static CkptFsClient CreateClient(ParseResult result, ILoggerFactory? logging = null, TimeSpan? defaultNameNodeWait = null)
    {
        var options = new CkptFsClientOptions();
        if (logging is not null)
        {
            options.LoggerFactory = logging;
        }
        if (result.GetValue(NameNode) is { Length: > 0 } address)
        {
            options.NameNodeAddress = address;
        }
        if (result.GetValue(TlsCa) is { Length: > 0 } caFile)
        {
            options.TlsCaFile = caFile;
        }
        if (result.GetValue(NameNodeWait) is { Length: > 0 } wait)
        {
            options.NameNodeWait = CkptFsClientOptions.ParseWait(wait, "--namenode-wait");
        }
        else if (defaultNameNodeWait is { } fallback
                 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CkptFsClientOptions.NameNodeWaitEnvironmentVariable)))
        {
            options.NameNodeWait = fallback;
        }
        return new CkptFsClient(options);
    }
}
