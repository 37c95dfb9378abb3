using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Tls;

/// <summary>
/// A server certificate that follows its files on disk. Kubernetes updates a mounted secret by
/// swapping a symlink (..data) to a new folder, and cert-manager renews certificates weeks before
/// they expire; neither needs a restart here. <see cref="Current"/> is called on every TLS
/// handshake; at most once per <see cref="TlsServerOptions.ReloadCheckInterval"/> it reads both
/// files (a few KiB) and compares their SHA-256 with the loaded pair's. A content check, not a
/// timestamp or a FileSystemWatcher: a symlink swap changes neither the watched path nor, always,
/// its mtime. A new pair that does not load (half written, key not matching the certificate yet)
/// is logged and the old certificate kept; the next check tries again.
/// </summary>
public sealed partial class CertificateReloader
{
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _checkLock = new();
    private volatile Loaded _loaded;
    private long _lastCheck;
    private byte[]? _lastFailedHash;

    private CertificateReloader(TlsServerOptions options, TimeProvider time, ILogger logger, Loaded loaded)
    {
        _certificateFile = options.CertificateFile!;
        _keyFile = options.KeyFile!;
        _checkInterval = options.ReloadCheckInterval;
        _time = time;
        _logger = logger;
        _loaded = loaded;
        _lastCheck = time.GetTimestamp();
    }

    /// <summary>The certificate served now (the leaf).</summary>
    public X509Certificate2 Certificate => _loaded.Certificate;

    /// <summary>How many times a changed pair was loaded since the start.</summary>
    public int Reloads { get; private set; }

    /// <summary>Loads the pair; a start with files that do not load fails here, naming them.</summary>
    /// <exception cref="ArgumentException">The files are missing, not PEM, or the key does not match the certificate.</exception>
    public static CertificateReloader Load(TlsServerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (hash, certificate, key) = Read(options.CertificateFile!, options.KeyFile!);
        Loaded loaded;
        try
        {
            loaded = Parse(certificate, key, hash);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new ArgumentException(
                $"Cannot load the TLS certificate {options.CertificateFile} with key {options.KeyFile}: {exception.Message.TrimEnd('.')}. Expected PEM files (-----BEGIN CERTIFICATE----- and an unencrypted -----BEGIN PRIVATE KEY-----).",
                exception);
        }
        var reloader = new CertificateReloader(options, time, logger, loaded);
        LogLoaded(logger, options.CertificateFile!, loaded.Certificate.Subject, loaded.Certificate.SerialNumber, loaded.Certificate.NotAfter.ToUniversalTime());
        return reloader;
    }

    /// <summary>The certificate context for a handshake now: the loaded one, re-read first when the check is due.</summary>
    public SslStreamCertificateContext Current()
    {
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastCheck)) >= _checkInterval && _checkLock.TryEnter())
        {
            // One handshake checks; the others meanwhile take the loaded certificate, never wait.
            try
            {
                Interlocked.Exchange(ref _lastCheck, _time.GetTimestamp());
                CheckNow();
            }
            finally
            {
                _checkLock.Exit();
            }
        }
        return _loaded.Context;
    }

    /// <summary>Reads the files now; loads them when their content changed. True when a new certificate is served from now on.</summary>
    public bool CheckNow()
    {
        byte[] hash;
        string certificate;
        string key;
        try
        {
            (hash, certificate, key) = Read(_certificateFile, _keyFile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogReloadFailed(_logger, _certificateFile, exception.Message);
            return false;
        }
        if (hash.AsSpan().SequenceEqual(_loaded.Hash) || (_lastFailedHash is { } failed && hash.AsSpan().SequenceEqual(failed)))
        {
            return false;
        }
        try
        {
            var loaded = Parse(certificate, key, hash);
            _loaded = loaded;
            _lastFailedHash = null;
            Reloads++;
            LogReloaded(_logger, _certificateFile, loaded.Certificate.Subject, loaded.Certificate.SerialNumber, loaded.Certificate.NotAfter.ToUniversalTime());
            return true;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            // Logged once per content: a secret being swapped settles within a check or two.
            _lastFailedHash = hash;
            LogReloadFailed(_logger, _certificateFile, exception.Message);
            return false;
        }
    }

    private static (byte[] Hash, string Certificate, string Key) Read(string certificateFile, string keyFile)
    {
        if (!File.Exists(certificateFile) || !File.Exists(keyFile))
        {
            throw new ArgumentException($"TLS certificate {certificateFile} or key {keyFile}: no such file.");
        }
        var certificate = File.ReadAllText(certificateFile);
        var key = File.ReadAllText(keyFile);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(certificate));
        sha.AppendData([0]);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
        return (sha.GetHashAndReset(), certificate, key);
    }

    private static Loaded Parse(string certificatePem, string keyPem, byte[] hash)
    {
        var leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificatePem);

        // The file's other certificates are intermediates, sent along; the leaf is the first.
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain.Skip(1))
        {
            intermediates.Add(certificate);
        }
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new Loaded(leaf, context, hash);
    }

    private sealed record Loaded(X509Certificate2 Certificate, SslStreamCertificateContext Context, byte[] Hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate loaded from {CertificateFile}: {Subject}, serial {Serial}, valid until {NotAfter:u}")]
    private static partial void LogLoaded(ILogger logger, string certificateFile, string subject, string serial, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate reloaded from {CertificateFile}: {Subject}, serial {Serial}, valid until {NotAfter:u}; new connections get it")]
    private static partial void LogReloaded(ILogger logger, string certificateFile, string subject, string serial, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS certificate {CertificateFile} changed but does not load ({Reason}); still serving the previous one, trying again at the next check")]
    private static partial void LogReloadFailed(ILogger logger, string certificateFile, string reason);
}
