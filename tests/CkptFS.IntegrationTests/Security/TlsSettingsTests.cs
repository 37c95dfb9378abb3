using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>TLS turned on through the NameNode's environment settings (as a Kubernetes pod sets them), on a real process.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly TempDirectory _folder = new("ckptfs-tls-settings");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EnvironmentSettingsTurnTlsOnAndTheCliFollowsTheCaSetting()
    {
        using var authority = new TestCertificates();
        var ca = authority.WriteCa(_folder.Combine("ca.pem"));
        authority.WriteServerPair(_folder.Combine("tls.crt"), _folder.Combine("tls.key"));
        using var nameNode = await NameNodeProcess.StartAsync(_folder.Combine("nn"), new Dictionary<string, string>
        {
            ["CKPTFS_NAMENODE__TLS__CERTIFICATEFILE"] = _folder.Combine("tls.crt"),
            ["CKPTFS_NAMENODE__TLS__KEYFILE"] = _folder.Combine("tls.key"),
        });

        // CKPTFS_TLS_CA, then --tls-ca: both reach the client.
        (await CliRun.RunAsync(["mkdir", "/secure"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address, ["CKPTFS_TLS_CA"] = ca })).EnsureSuccess();
        var listing = (await CliRun.RunAsync(["ls", "--tls-ca", ca, "/"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address })).EnsureSuccess();
        Assert.Contains("secure", listing.Stdout, StringComparison.Ordinal);

        var cleartext = await CliRun.RunAsync(["ls", "/"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address });
        Assert.Equal(3, cleartext.ExitCode);
        Assert.Contains("probably serves TLS", cleartext.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameNodeWithAMissingKeyFileRefusesToStartNamingTheSetting()
    {
        using var authority = new TestCertificates();
        authority.WriteServerPair(_folder.Combine("tls.crt"), _folder.Combine("tls.key"));
        var result = await CliRun.RunAsync(["namenode", "--data", _folder.Combine("nn"), "--port", "0", "--http-port", "-1"], new Dictionary<string, string>
        {
            ["CKPTFS_NAMENODE__TLS__CERTIFICATEFILE"] = _folder.Combine("tls.crt"),
            ["CKPTFS_NAMENODE__TLS__KEYFILE"] = _folder.Combine("missing.key"),
        }, timeout: TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("NameNode:Tls:KeyFile", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
