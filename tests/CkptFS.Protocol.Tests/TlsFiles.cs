using CkptFS.Protocol.Rpc;
using CkptFS.Testing;

namespace CkptFS.Protocol.Tests;

/// <summary>A test CA and a server certificate for localhost/127.0.0.1 as PEM files in a temp folder, and a second, unrelated CA.</summary>
internal sealed class TlsFiles : IDisposable
{
    private readonly TempDirectory _folder = new("ckptfs-tls");

    public TlsFiles()
    {
        CaFile = Authority.WriteCa(_folder.Combine("ca.pem"));
        OtherCaFile = Other.WriteCa(_folder.Combine("other-ca.pem"));
        CertificateFile = _folder.Combine("tls.crt");
        KeyFile = _folder.Combine("tls.key");
        Serial = Authority.WriteServerPair(CertificateFile, KeyFile);
    }

    public TestCertificates Authority { get; } = new();

    public TestCertificates Other { get; } = new("another CA");

    public string CaFile { get; }

    public string OtherCaFile { get; }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    /// <summary>The serial of the first server certificate.</summary>
    public string Serial { get; }

    public string Combine(string name) => _folder.Combine(name);

    /// <summary>Server options with TLS on these files, checked on every handshake.</summary>
    public RpcServerOptions ServerOptions() =>
        new() { Tls = { CertificateFile = CertificateFile, KeyFile = KeyFile, ReloadCheckInterval = TimeSpan.Zero } };

    public void Dispose()
    {
        Authority.Dispose();
        Other.Dispose();
        _folder.Dispose();
    }
}
