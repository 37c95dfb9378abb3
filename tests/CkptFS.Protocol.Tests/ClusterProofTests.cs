using CkptFS.Protocol.Security;
using Xunit;

namespace CkptFS.Protocol.Tests;

public sealed class ClusterProofTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private readonly string _folder = Directory.CreateTempSubdirectory("ckptfs-secret-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AProofMadeWithTheSecretChecksForItsUuidWithinTheSkew()
    {
        var secret = NewSecret("a");
        var proof = ClusterProof.Create(secret, "dn-1", Now);

        Assert.Null(ClusterProof.Check(secret, "dn-1", proof, Now, Skew));
        Assert.Null(ClusterProof.Check(secret, "dn-1", proof, Now + TimeSpan.FromMinutes(4), Skew));
        Assert.Contains("off this NameNode's clock", ClusterProof.Check(secret, "dn-1", proof, Now + TimeSpan.FromMinutes(6), Skew));
        Assert.Contains("off this NameNode's clock", ClusterProof.Check(secret, "dn-1", proof, Now - TimeSpan.FromMinutes(6), Skew));
        Assert.Contains("does not match", ClusterProof.Check(secret, "dn-2", proof, Now, Skew));   // bound to the uuid
    }

    [Fact]
    public void AnotherSecretAMissingOrMalformedProofIsRefusedWithTheReason()
    {
        var secret = NewSecret("a");
        var other = NewSecret("b");
        Assert.Contains("does not match this NameNode's cluster secret", ClusterProof.Check(secret, "dn-1", ClusterProof.Create(other, "dn-1", Now), Now, Skew));
        Assert.Contains("carries no cluster proof", ClusterProof.Check(secret, null, null, Now, Skew));
        Assert.Contains("carries no cluster proof", ClusterProof.Check(secret, "dn-1", "", Now, Skew));
        Assert.Contains("malformed", ClusterProof.Check(secret, "dn-1", "v2.1.AAAA", Now, Skew));
        Assert.Contains("malformed", ClusterProof.Check(secret, "dn-1", "garbage", Now, Skew));
        var proof = ClusterProof.Create(secret, "dn-1", Now);
        var forged = proof[..^4] + (proof[^4] == 'A' ? "B" : "A") + proof[^3..];
        Assert.Contains("does not match", ClusterProof.Check(secret, "dn-1", forged, Now, Skew));
        var shifted = proof.Replace($".{Now.ToUnixTimeMilliseconds()}.", $".{Now.ToUnixTimeMilliseconds() + 1}.", StringComparison.Ordinal);
        Assert.Contains("does not match", ClusterProof.Check(secret, "dn-1", shifted, Now, Skew));   // the timestamp is signed
    }

    [Fact]
    public void GenerateWritesAnOwnerOnlyFileAndLoadRefusesMissingOrShortFiles()
    {
        var path = Path.Combine(_folder, "secret");
        ClusterSecret.Generate(path);
        Assert.Equal(32, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Throws<IOException>(() => ClusterSecret.Generate(path));   // never overwrites a cluster's secret
        Assert.Equal(path, ClusterSecret.Load(path, "Security:ClusterSecretFile").Path);

        var missing = Assert.Throws<ArgumentException>(() => ClusterSecret.Load(Path.Combine(_folder, "none"), "Security:ClusterSecretFile"));
        Assert.Contains("Invalid setting Security:ClusterSecretFile", missing.Message, StringComparison.Ordinal);
        var shortFile = Path.Combine(_folder, "short");
        File.WriteAllBytes(shortFile, new byte[8]);
        var tooShort = Assert.Throws<ArgumentException>(() => ClusterSecret.Load(shortFile, "Security:ClusterSecretFile"));
        Assert.Contains("has 8 bytes, at least 16", tooShort.Message, StringComparison.Ordinal);
    }

    private ClusterSecret NewSecret(string name)
    {
        var path = Path.Combine(_folder, name);
        ClusterSecret.Generate(path);
        return ClusterSecret.Load(path, "Security:ClusterSecretFile");
    }
}
