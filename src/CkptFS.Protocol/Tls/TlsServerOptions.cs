namespace CkptFS.Protocol.Tls;

/// <summary>
/// A server's TLS settings: a PEM certificate (chain) and its PEM private key. Both set: the port
/// serves TLS only; both empty (the default): cleartext. The files are re-read when they change on
/// disk (<see cref="CertificateReloader"/>), so a Kubernetes secret or cert-manager rotation needs
/// no restart. Bound as e.g. NameNode:Tls:CertificateFile (CKPTFS_NAMENODE__TLS__CERTIFICATEFILE).
/// </summary>
public sealed class TlsServerOptions
{
    /// <summary>The PEM certificate, leaf first, then any intermediates (a secret's tls.crt). Empty: no TLS.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The certificate's PEM private key, unencrypted (a secret's tls.key).</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Mutual TLS (the NameNode's gRPC port): a PEM CA bundle of client certificates. A client that
    /// presents a certificate chaining to it is authenticated as the certificate's CN; one with a
    /// certificate of another CA is refused at the handshake; one without may still use a bearer
    /// token. Empty (the default): no client certificate is asked for.
    /// </summary>
    public string? ClientCaFile { get; set; }

    /// <summary>
    /// How often at most the files are checked for a new certificate (default 1 s): on a TLS
    /// handshake, when this long has passed since the last check, both files are read and hashed.
    /// 0 checks on every handshake.
    /// </summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether TLS is on: a certificate file is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(KeyFile);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting (under <paramref name="section"/>) and what to do.</summary>
    public void Validate(string section)
    {
        if (!Enabled)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(CertificateFile) || string.IsNullOrWhiteSpace(KeyFile))
        {
            var missing = string.IsNullOrWhiteSpace(CertificateFile) ? nameof(CertificateFile) : nameof(KeyFile);
            throw new ArgumentException($"Invalid setting {section}:Tls:{missing}: it is empty; TLS needs both a PEM certificate (Tls:CertificateFile) and its key (Tls:KeyFile).");
        }
        RequireFile(section, nameof(CertificateFile), CertificateFile);
        RequireFile(section, nameof(KeyFile), KeyFile);
        if (!string.IsNullOrWhiteSpace(ClientCaFile))
        {
            RequireFile(section, nameof(ClientCaFile), ClientCaFile);
        }
        if (ReloadCheckInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting {section}:Tls:{nameof(ReloadCheckInterval)} = {ReloadCheckInterval}: expected 0 (every handshake) or a positive duration.");
        }
    }

    private static void RequireFile(string section, string key, string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"Invalid setting {section}:Tls:{key} = {path}: no such file.");
        }
    }
}
