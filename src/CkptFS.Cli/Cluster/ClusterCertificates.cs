using System.Diagnostics;
using CkptFS.Common;

namespace CkptFS.Cli.Cluster;

/// <summary>
/// The certificates of a local cluster started with --tls, in DIR/tls: a CA (ca.pem, the clients'
/// bundle) and one server certificate for localhost and 127.0.0.1 (node.crt, node.key), made by
/// scripts/make-certs.sh with openssl. Made once; a restart reuses them, so an exported
/// CKPTFS_TLS_CA stays valid. Run the script again on DIR/tls to rotate the node certificate: the
/// NameNode picks it up on its next connections, without a restart.
/// </summary>
public sealed record ClusterCertificates(string CaFile, string CertificateFile, string KeyFile)
{
    public const string ScriptName = "make-certs.sh";

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The certificates under <paramref name="clusterDirectory"/>/tls, made first if missing.</summary>
    public static async Task<ClusterCertificates> EnsureAsync(string clusterDirectory, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(clusterDirectory, "tls");
        var certificates = new ClusterCertificates(Path.Combine(folder, "ca.pem"), Path.Combine(folder, "node.crt"), Path.Combine(folder, "node.key"));
        if (File.Exists(certificates.CaFile) && File.Exists(certificates.CertificateFile) && File.Exists(certificates.KeyFile))
        {
            return certificates;
        }
        await RunScriptAsync(FindScript(), folder, cancellationToken);
        return certificates;
    }

    /// <summary>scripts/make-certs.sh of the source tree this CLI was built from (the `./ckptfs` launcher's), or of the current folder's.</summary>
    private static string FindScript()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var script = Path.Combine(directory.FullName, "scripts", ScriptName);
                if (File.Exists(script))
                {
                    return script;
                }
            }
        }
        throw new CkptFsException(ErrorCode.FileNotFound,
            $"cluster start --tls needs scripts/{ScriptName} from the CkptFS source tree (run it from there), or certificates made beforehand in DIR/tls: ca.pem, node.crt, node.key.");
    }

    private static async Task RunScriptAsync(string script, string folder, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(folder);
        using var process = Process.Start(info) ?? throw new CkptFsException(ErrorCode.Internal, $"Could not start {script}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new CkptFsException(ErrorCode.Internal, $"{script} {folder} failed (exit {process.ExitCode}): {(await errors).Trim()} {(await output).Trim()}".TrimEnd() + ".");
        }
    }
}
