using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// Mutual TLS: a cluster started with `cluster start --tls` whose NameNode requires authentication
/// (Authentication:Mode=token) and asks for client certificates of a client CA
/// (Tls:ClientCaFile), certificates made by scripts/make-certs.sh --client. A client with one acts
/// as its CN without a token; a client with a certificate of another CA is refused at the handshake;
/// a client with neither is told what to present; a token wins over a certificate.
/// </summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _certificates = new("ckptfs-mtls");
    private LocalClusterProcesses _cluster = null!;

    private string ClientCa => _certificates.Combine("clients", "ca.pem");

    public async Task InitializeAsync()
    {
        await MakeCertsAsync(_certificates.Combine("clients"), "--client", "alice");
        await MakeCertsAsync(_certificates.Combine("other"), "--client", "mallory");
        _cluster = await LocalClusterProcesses.StartAsync(2, new Dictionary<string, string>
        {
            ["CKPTFS_NAMENODE__AUTHENTICATION__MODE"] = "token",
            ["CKPTFS_NAMENODE__AUTHENTICATION__SUPERUSERS"] = "ckptfs",
            ["CKPTFS_NAMENODE__TLS__CLIENTCAFILE"] = ClientCa,
        }, tls: true);
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        _certificates.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AClientWithACertificateOfTheClientCaActsAsItsCommonName()
    {
        var whoami = (await AsAsync("clients", "alice", "token", "whoami")).EnsureSuccess();
        Assert.Contains("alice (authenticated by certificate", whoami.Stdout, StringComparison.Ordinal);

        (await AsAsync("clients", "alice", "mkdir", "-p", "/by-cert")).EnsureSuccess();
        var listing = (await AsAsync("clients", "alice", "ls", "/")).EnsureSuccess().Stdout;
        Assert.Matches(@"alice\s+\S+\s+.*/by-cert", listing);
        Assert.Contains("gRPC (TLS, client certificates) serving", await File.ReadAllTextAsync(Path.Combine(_cluster.Directory, "logs", "namenode.log")),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACertificateOfAnotherCaIsRefusedAndNeitherCertificateNorTokenSaysWhatToPresent()
    {
        var mallory = await AsAsync("other", "mallory", "ls", "/");
        Assert.True(mallory.ExitCode == 3, $"exit {mallory.ExitCode}: {mallory.Stderr}");
        Assert.Contains("refused the client certificate CN=mallory", mallory.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", mallory.Stderr, StringComparison.Ordinal);
        Assert.Single(mallory.Stderr.Trim().Split('\n'));

        var nothing = await CliRun.RunAsync(["ls", "/"], new Dictionary<string, string>(_cluster.Environment));
        Assert.Equal(5, nothing.ExitCode);
        Assert.Contains("present a client certificate", nothing.Stderr, StringComparison.Ordinal);
        Assert.Contains("CKPTFS_TLS_CERT", nothing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenWinsOverACertificate()
    {
        var environment = Environment("clients", "alice");
        environment["CKPTFS_TOKEN_FILE"] = Path.Combine(_cluster.Directory, "namenode", "admin.token");
        var whoami = (await CliRun.RunAsync(["token", "whoami"], environment)).EnsureSuccess();
        Assert.Contains("ckptfs (authenticated by token, superuser)", whoami.Stdout, StringComparison.Ordinal);
    }

    private Task<CliResult> AsAsync(string folder, string user, params string[] args) => CliRun.RunAsync(args, Environment(folder, user));

    private Dictionary<string, string> Environment(string folder, string user) => new(_cluster.Environment)
    {
        ["CKPTFS_TLS_CERT"] = _certificates.Combine(folder, user + ".crt"),
        ["CKPTFS_TLS_KEY"] = _certificates.Combine(folder, user + ".key"),
    };

    private static async Task MakeCertsAsync(params string[] args)
    {
        using var script = ChildProcess.Start("bash", [Path.Combine(RepoPaths.Root, "scripts", "make-certs.sh"), .. args]);
        var exit = await script.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"make-certs.sh {string.Join(' ', args)}: {script.Stdout}{script.Stderr}");
    }
}
