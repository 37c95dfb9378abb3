using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CkptFS.Protocol.Tls;

/// <summary>
/// How a client checks a CkptFS server: the server's chain must end at a certificate of the
/// configured CA bundle (and only there: the machine's trust store plays no part, as with a
/// cluster's private CA), and the certificate must name the host dialled (a DNS or IP SAN).
/// No revocation check: a private CA publishes no CRL; rotation is by short-lived certificates.
/// </summary>
public static class TlsClientTrust
{
    /// <summary>The environment variable the CLI and SDK read the CA bundle's path from.</summary>
    public const string CaFileEnvironmentVariable = "CKPTFS_TLS_CA";

    /// <summary>The environment variables of a client certificate and its key (mutual TLS).</summary>
    public const string CertificateEnvironmentVariable = "CKPTFS_TLS_CERT";

    /// <inheritdoc cref="CertificateEnvironmentVariable"/>
    public const string KeyEnvironmentVariable = "CKPTFS_TLS_KEY";

    /// <summary>A client certificate with its key from PEM files (mutual TLS); null when neither is set.</summary>
    /// <exception cref="ArgumentException">Only one is set, a file is missing, or they do not load as a pair.</exception>
    public static X509Certificate2? LoadClientCertificate(string? certificateFile, string? keyFile)
    {
        if (string.IsNullOrWhiteSpace(certificateFile) && string.IsNullOrWhiteSpace(keyFile))
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(certificateFile) || string.IsNullOrWhiteSpace(keyFile))
        {
            throw new ArgumentException($"A client certificate needs both files: {CertificateEnvironmentVariable} (PEM certificate) and {KeyEnvironmentVariable} (its PEM key).");
        }
        foreach (var file in new[] { certificateFile, keyFile })
        {
            if (!File.Exists(file))
            {
                throw new ArgumentException($"TLS client certificate: {file}: no such file (set by {CertificateEnvironmentVariable}/{KeyEnvironmentVariable} or TlsCertificateFile/TlsKeyFile).");
            }
        }
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (CryptographicException exception)
        {
            throw new ArgumentException($"TLS client certificate {certificateFile} with key {keyFile} does not load: {exception.Message.TrimEnd('.')}.", exception);
        }
    }

    /// <summary>The client TLS options that trust only <paramref name="caFile"/>'s certificates; the system's trust store when null.</summary>
    /// <exception cref="ArgumentException">The file is missing or holds no PEM certificate.</exception>
    public static SslClientAuthenticationOptions ClientOptions(string? caFile)
    {
        var options = new SslClientAuthenticationOptions();
        if (caFile is null)
        {
            return options;
        }
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationFlags = X509VerificationFlags.NoFlag,
        };
        policy.CustomTrustStore.AddRange(LoadBundle(caFile));
        options.CertificateChainPolicy = policy;
        return options;
    }

    /// <summary>The certificates of a PEM bundle.</summary>
    /// <exception cref="ArgumentException">The file is missing or holds no PEM certificate.</exception>
    public static X509Certificate2Collection LoadBundle(string caFile)
    {
        if (!File.Exists(caFile))
        {
            throw new ArgumentException($"TLS CA bundle {caFile}: no such file (set by {CaFileEnvironmentVariable}, --tls-ca or the TlsCaFile setting).");
        }
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(caFile);
        }
        catch (CryptographicException exception)
        {
            throw new ArgumentException($"TLS CA bundle {caFile} does not load: {exception.Message.TrimEnd('.')}; expected PEM certificates (-----BEGIN CERTIFICATE-----).", exception);
        }
        if (bundle.Count == 0)
        {
            throw new ArgumentException($"TLS CA bundle {caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
        return bundle;
    }
}
