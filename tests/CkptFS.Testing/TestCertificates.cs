using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CkptFS.Testing;

/// <summary>
/// A throwaway certificate authority for TLS tests, made in process (no openssl): ECDSA P-256, as
/// scripts/make-certs.sh makes. <see cref="WriteServerPair"/> issues a server certificate for
/// localhost and 127.0.0.1 and writes it and its key as PEM files, as a Kubernetes secret holds them.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;
    private long _serial = 1000;

    public TestCertificates(string name = "CkptFS test CA")
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public X509Certificate2 Ca { get; }

    /// <summary>Writes the CA certificate as PEM (the clients' bundle).</summary>
    public string WriteCa(string path)
    {
        File.WriteAllText(path, Ca.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>
    /// Issues a server certificate (a new serial each call) and writes it to <paramref name="certificateFile"/>
    /// and its key to <paramref name="keyFile"/>, each replaced in one rename. Returns the serial (hex).
    /// </summary>
    public string WriteServerPair(string certificateFile, string keyFile, params string[] dnsNames) =>
        WriteServerPair(certificateFile, keyFile, loopbackNames: true, dnsNames);

    /// <param name="loopbackNames">Whether the certificate names localhost and 127.0.0.1 (false: only <paramref name="dnsNames"/>).</param>
    public string WriteServerPair(string certificateFile, string keyFile, bool loopbackNames, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ckptfs-test-server", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (loopbackNames)
        {
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
        }
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        Array.Reverse(serial);
        using var certificate = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        ReplaceFile(certificateFile, certificate.ExportCertificatePem() + "\n");
        ReplaceFile(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        return certificate.SerialNumber;
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }

    private static void ReplaceFile(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
