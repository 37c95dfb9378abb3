using CkptFS.Common;
using CkptFS.NameNode.Persistence;
using CkptFS.NameNode.Security;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests.Security;

/// <summary>Client bearer tokens on a real metadata store: issue, check, renew, revoke, expiry, restart.</summary>
public sealed class TokenManagerTests : IDisposable
{
    private readonly TempDirectory _directory = new("ckptfs-tokens");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly AuthenticationOptions _options = new() { Mode = AuthenticationMode.Token, Superusers = "admin, ops", TokenRenewInterval = TimeSpan.FromHours(1), TokenMaxLifetime = TimeSpan.FromHours(3) };
    private RocksMetadataStore _store;
    private GroupCommitter _committer;
    private TokenManager _tokens;

    public TokenManagerTests() => (_store, _committer, _tokens) = Open();

    public void Dispose()
    {
        Close();
        _directory.Dispose();
    }

    [Fact]
    public async Task AnIssuedTokenAuthenticatesItsUserAndNothingElsePasses()
    {
        var (text, token) = await _tokens.IssueAsync("alice", null, null, null, default);
        Assert.StartsWith("ckt1.", text, StringComparison.Ordinal);
        Assert.Equal("alice", _tokens.Authenticate(text).User);
        Assert.Equal("alice", token.Renewer);

        var forged = text[..^4] + (text[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Equal(ErrorCode.Unauthenticated, Assert.Throws<CkptFsException>(() => _tokens.Authenticate(forged)).Code);
        Assert.Equal(ErrorCode.Unauthenticated, Assert.Throws<CkptFsException>(() => _tokens.Authenticate("ckt1.12345.abc")).Code);
        var notOurs = Assert.Throws<CkptFsException>(() => _tokens.Authenticate("eyJhbGciOi.JWT"));
        Assert.Contains("not a CkptFS token", notOurs.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyASuperuserIssuesForSomeoneElse()
    {
        var denied = await Assert.ThrowsAsync<CkptFsException>(() => _tokens.IssueAsync("alice", "bob", null, null, default));
        Assert.Equal(ErrorCode.PermissionDenied, denied.Code);
        var (text, _) = await _tokens.IssueAsync("ops", "bob", null, null, default);
        Assert.Equal("bob", _tokens.Authenticate(text).User);
    }

    [Fact]
    public async Task ATokenExpiresUnlessRenewedAndNeverOutlivesItsMaxLifetime()
    {
        var (text, _) = await _tokens.IssueAsync("alice", null, null, null, default);
        _time.Advance(TimeSpan.FromMinutes(50));
        var renewed = await _tokens.RenewAsync("alice", text, default);
        Assert.Equal(_time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds(), renewed.ExpiresMs);
        _time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("alice", _tokens.Authenticate(text).User);   // 100 min after issue: alive because renewed

        await _tokens.RenewAsync("alice", text, default);
        _time.Advance(TimeSpan.FromMinutes(55));
        var capped = await _tokens.RenewAsync("alice", text, default);   // 155 min: 215 capped at issue + 3 h
        Assert.Equal(capped.MaxMs, capped.ExpiresMs);
        _time.Advance(TimeSpan.FromMinutes(26));
        var expired = Assert.Throws<CkptFsException>(() => _tokens.Authenticate(text));
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CkptFsException>(() => _tokens.RenewAsync("alice", text, default));
    }

    [Fact]
    public async Task OnlyTheRenewerOrASuperuserRenews()
    {
        var (text, _) = await _tokens.IssueAsync("alice", null, "scheduler", null, default);
        Assert.Equal(ErrorCode.PermissionDenied, (await Assert.ThrowsAsync<CkptFsException>(() => _tokens.RenewAsync("mallory", text, default))).Code);
        await _tokens.RenewAsync("scheduler", text, default);
        await _tokens.RenewAsync("admin", text, default);
    }

    [Fact]
    public async Task ARevokedTokenFailsAtOnceAndAfterARestart()
    {
        var (kept, _) = await _tokens.IssueAsync("alice", null, null, null, default);
        var (revoked, token) = await _tokens.IssueAsync("alice", null, null, null, default);
        Assert.Equal(ErrorCode.PermissionDenied, (await Assert.ThrowsAsync<CkptFsException>(() => _tokens.RevokeAsync("bob", revoked, 0, default))).Code);
        await _tokens.RevokeAsync("alice", null, token.Id, default);
        Assert.Throws<CkptFsException>(() => _tokens.Authenticate(revoked));

        Restart();
        Assert.Equal("alice", _tokens.Authenticate(kept).User);
        Assert.Throws<CkptFsException>(() => _tokens.Authenticate(revoked));
        Assert.Single(_tokens.List("alice"));
    }

    [Fact]
    public async Task ListingShowsAUserTheirOwnAndASuperuserEveryToken()
    {
        await _tokens.IssueAsync("alice", null, null, null, default);
        await _tokens.IssueAsync("bob", null, null, null, default);
        Assert.Equal(["alice"], _tokens.List("alice").Select(t => t.User));
        Assert.Equal(2, _tokens.List("admin").Count);
    }

    [Fact]
    public async Task TheAdminTokenFileIsOwnerOnlyAndKeptAcrossRestartsWhileItLasts()
    {
        var path = _directory.Combine("nn", "admin.token");
        await _tokens.EnsureAdminTokenAsync(path, default);
        var first = (await File.ReadAllTextAsync(path)).Trim();
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the admin token file is 0600");
        Assert.Equal("admin", _tokens.Authenticate(first).User);

        Restart();
        await _tokens.EnsureAdminTokenAsync(path, default);
        Assert.Equal(first, (await File.ReadAllTextAsync(path)).Trim());

        await _tokens.RevokeAsync("admin", first, 0, default);
        await _tokens.EnsureAdminTokenAsync(path, default);
        var second = (await File.ReadAllTextAsync(path)).Trim();
        Assert.NotEqual(first, second);
        Assert.Equal("admin", _tokens.Authenticate(second).User);
    }

    [Fact]
    public async Task ExpiredTokensArePurgedWhenTheNextOneIsIssued()
    {
        await _tokens.IssueAsync("alice", null, null, TimeSpan.FromMinutes(1), default);
        _time.Advance(TimeSpan.FromMinutes(2));
        await _tokens.IssueAsync("bob", null, null, null, default);
        Assert.Equal(1, _tokens.Count);
        Restart();
        Assert.Equal(1, _tokens.Count);
    }

    private (RocksMetadataStore, GroupCommitter, TokenManager) Open()
    {
        var store = new RocksMetadataStore(_directory.Combine("metadata"));
        var image = store.Load();
        var committer = new GroupCommitter(store, image, _time, NullLogger<GroupCommitter>.Instance);
        return (store, committer, new TokenManager(committer, image.Tokens ?? TokenState.Empty, _options, _time));
    }

    private void Restart()
    {
        Close();
        (_store, _committer, _tokens) = Open();
    }

    private void Close()
    {
        _committer.Dispose();
        _store.Dispose();
    }
}
