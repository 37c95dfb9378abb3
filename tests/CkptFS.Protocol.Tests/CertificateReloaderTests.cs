using CkptFS.Protocol.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CkptFS.Protocol.Tests;

/// <summary>
/// The reloader alone, on a fake clock: files are checked at most once per interval, a changed pair
/// is served from the next handshake, a pair caught half-written keeps the old certificate until
/// it settles, a symlink swap (as a Kubernetes secret update) is seen.
/// </summary>
public sealed class CertificateReloaderTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    [Fact]
    public void ChangedPairIsServedAfterTheIntervalNotBefore()
    {
        using var files = new TlsFiles();
        var (reloader, time, _) = Create(files);
        Assert.Equal(files.Serial, reloader.Certificate.SerialNumber);
        var renewed = files.Authority.WriteServerPair(files.CertificateFile, files.KeyFile);

        time.Advance(s_interval / 2);
        reloader.Current();
        Assert.Equal(files.Serial, reloader.Certificate.SerialNumber);

        time.Advance(s_interval / 2);
        reloader.Current();
        Assert.Equal(renewed, reloader.Certificate.SerialNumber);
        Assert.Equal(1, reloader.Reloads);
    }

    [Fact]
    public void UnchangedFilesAreNotReloaded()
    {
        using var files = new TlsFiles();
        var (reloader, time, _) = Create(files);
        File.SetLastWriteTimeUtc(files.CertificateFile, DateTime.UtcNow.AddMinutes(1));
        time.Advance(s_interval);
        reloader.Current();
        Assert.False(reloader.CheckNow());
        Assert.Equal(0, reloader.Reloads);
    }

    [Fact]
    public void HalfWrittenPairKeepsTheOldCertificateUntilItSettles()
    {
        using var files = new TlsFiles();
        var (reloader, time, logs) = Create(files);

        // The new certificate is in place, its key not yet: the pair does not match.
        var nextCertificate = files.Combine("next.crt");
        var nextKey = files.Combine("next.key");
        var renewed = files.Authority.WriteServerPair(nextCertificate, nextKey);
        File.Copy(nextCertificate, files.CertificateFile, overwrite: true);
        time.Advance(s_interval);
        var context = reloader.Current();
        Assert.NotNull(context);
        Assert.Equal(files.Serial, reloader.Certificate.SerialNumber);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("does not load", StringComparison.Ordinal));

        // Checked again with nothing changed: not logged twice.
        time.Advance(s_interval);
        reloader.Current();
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);

        File.Copy(nextKey, files.KeyFile, overwrite: true);
        time.Advance(s_interval);
        reloader.Current();
        Assert.Equal(renewed, reloader.Certificate.SerialNumber);
    }

    [Fact]
    public void SymlinkSwapOfTheSecretFolderIsSeen()
    {
        using var files = new TlsFiles();

        // The layout kubelet writes: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/.
        var secret = files.Combine("secret");
        var first = Directory.CreateDirectory(Path.Combine(secret, "..2026_01")).FullName;
        File.Copy(files.CertificateFile, Path.Combine(first, "tls.crt"));
        File.Copy(files.KeyFile, Path.Combine(first, "tls.key"));
        File.CreateSymbolicLink(Path.Combine(secret, "..data"), "..2026_01");
        File.CreateSymbolicLink(Path.Combine(secret, "tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(Path.Combine(secret, "tls.key"), "..data/tls.key");
        var options = new TlsServerOptions { CertificateFile = Path.Combine(secret, "tls.crt"), KeyFile = Path.Combine(secret, "tls.key"), ReloadCheckInterval = s_interval };
        var time = new FakeTimeProvider();
        var reloader = CertificateReloader.Load(options, time, new CollectingLoggerProvider().CreateLogger("test"));
        Assert.Equal(files.Serial, reloader.Certificate.SerialNumber);

        var second = Directory.CreateDirectory(Path.Combine(secret, "..2026_02")).FullName;
        var renewed = files.Authority.WriteServerPair(Path.Combine(second, "tls.crt"), Path.Combine(second, "tls.key"));
        File.CreateSymbolicLink(Path.Combine(secret, "..data_tmp"), "..2026_02");
        RenameOver(Path.Combine(secret, "..data_tmp"), Path.Combine(secret, "..data"));
        time.Advance(s_interval);
        reloader.Current();
        Assert.Equal(renewed, reloader.Certificate.SerialNumber);
    }

    [Fact]
    public void MissingFilesFailTheStartNamingTheSetting()
    {
        var options = new TlsServerOptions { CertificateFile = "/nonexistent/tls.crt", KeyFile = "/nonexistent/tls.key" };
        var error = Assert.Throws<ArgumentException>(() => options.Validate("NameNode"));
        Assert.Contains("NameNode:Tls:CertificateFile = /nonexistent/tls.crt: no such file", error.Message, StringComparison.Ordinal);

        var keyless = new TlsServerOptions { CertificateFile = "/nonexistent/tls.crt" };
        Assert.Contains("Tls:KeyFile: it is empty", Assert.Throws<ArgumentException>(() => keyless.Validate("NameNode")).Message, StringComparison.Ordinal);
    }

    /// <summary>rename(2) of a symlink over another, as kubelet swaps ..data (File.Move follows a link to a folder).</summary>
    private static void RenameOver(string source, string target)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-Tf", source, target]);
        Assert.True(mv.WaitForExit(TimeSpan.FromSeconds(10)), "mv hung");
        Assert.Equal(0, mv.ExitCode);
    }

    private static (CertificateReloader Reloader, FakeTimeProvider Time, CollectingLoggerProvider Logs) Create(TlsFiles files)
    {
        var time = new FakeTimeProvider();
        var logs = new CollectingLoggerProvider();
        var options = new TlsServerOptions { CertificateFile = files.CertificateFile, KeyFile = files.KeyFile, ReloadCheckInterval = s_interval };
        return (CertificateReloader.Load(options, time, logs.CreateLogger("reloader")), time, logs);
    }
}
