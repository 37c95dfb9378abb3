using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Tests.Security;

/// <summary>
/// The permission matrix of HDFS's TestDFSPermission and TestStickyBit on a real namespace:
/// owner, group and other bits, traversal, the sticky bit, ownership changes and checkpoint jobs.
/// Tree: /home 0755 root; /home/alice 0700 alice; /home/alice/private 0600 alice;
/// /shared 0775 alice:ml; /shared/notes 0664 alice:ml; /tmp 1777 root; /tmp/bobs 0644 bob.
/// </summary>
public sealed class AccessPolicyTests : IAsyncLifetime
{
    private static readonly Caller Alice = new("alice", new HashSet<string> { "ml" }, false);
    private static readonly Caller Bob = new("bob", new HashSet<string> { "ml" }, false);
    private static readonly Caller Carol = new("carol", new HashSet<string>(), false);
    private static readonly Caller Root = new("root", new HashSet<string>(), true);
    private readonly NamespaceHarness _ns = new();

    public async Task InitializeAsync()
    {
        await Mkdir("/home", 0x1ED, "root");          // 0755
        await Mkdir("/home/alice", 0x1C0, "alice");   // 0700
        await File("/home/alice/private", 0x180, "alice");   // 0600
        await Mkdir("/shared", 0x1FD, "alice");       // 0775
        await File("/shared/notes", 0x1B4, "alice");  // 0664
        await Mkdir("/tmp", 0x3FF, "root");           // 1777
        await File("/tmp/bobs", 0x1A4, "bob");        // 0644
        foreach (var path in new[] { "/shared", "/shared/notes" })
        {
            await _ns.Fs.SetOwnerAsync(FsPath.Parse(path), null, "ml");
        }
    }

    public Task DisposeAsync()
    {
        _ns.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void AUserCannotReadOverwriteRenameOrDeleteAnotherUsersPrivateFiles()
    {
        Denied(Bob, new GetBlockLocationsRequest { Path = "/home/alice/private" });
        Denied(Bob, new GetListingRequest { Path = "/home/alice" });
        Denied(Bob, new CreateRequest { Path = "/home/alice/private", Overwrite = true });
        Denied(Bob, new RenameRequest { Source = "/home/alice/private", Destination = "/tmp/mine" });
        Denied(Bob, new DeleteRequest { Path = "/home/alice/private" });
        Denied(Bob, new DeleteRequest { Path = "/home/alice", Recursive = true });
        Denied(Bob, new GetFileInfoRequest { Path = "/home/alice/private" });   // no EXECUTE on /home/alice

        Allowed(Alice, new GetBlockLocationsRequest { Path = "/home/alice/private" });
        Allowed(Alice, new RenameRequest { Source = "/home/alice/private", Destination = "/home/alice/kept" });
        Denied(Alice, new DeleteRequest { Path = "/home/alice", Recursive = true });    // her own, but the WRITE it needs is on /home (root's)
        Allowed(Root, new DeleteRequest { Path = "/home/alice", Recursive = true });
    }

    [Fact]
    public void GroupBitsApplyToMembersAndOtherBitsToEveryoneElse()
    {
        Allowed(Bob, new CreateRequest { Path = "/shared/bobs-file" });             // ml: rwx on /shared
        Allowed(Bob, new CreateRequest { Path = "/shared/notes", Overwrite = true });   // ml: rw on notes
        Denied(Carol, new CreateRequest { Path = "/shared/carols" });               // other: r-x
        Allowed(Carol, new GetBlockLocationsRequest { Path = "/shared/notes" });    // other: r--
        Denied(Carol, new CreateRequest { Path = "/shared/notes", Overwrite = true });
        Denied(Carol, new MkdirsRequest { Path = "/home/carol/deep", CreateParent = true });   // nearest ancestor /home is root's 0755
    }

    [Fact]
    public void TheStickyBitKeepsEveryoneButTheOwnersFromRemovingOthersEntries()
    {
        Allowed(Carol, new CreateRequest { Path = "/tmp/carols" });                 // 1777: anyone creates
        Denied(Carol, new DeleteRequest { Path = "/tmp/bobs" });                    // but not someone else's
        Denied(Carol, new RenameRequest { Source = "/tmp/bobs", Destination = "/tmp/taken" });
        Allowed(Bob, new DeleteRequest { Path = "/tmp/bobs" });
        Allowed(Root, new DeleteRequest { Path = "/tmp/bobs" });
        var refusal = Assert.Throws<CkptFsException>(() => Check(Carol, new DeleteRequest { Path = "/tmp/bobs" }));
        Assert.Contains("sticky bit is set on /tmp", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyOwnersChangeModesMembersChangeGroupsAndSuperusersChangeOwnersAndQuotas()
    {
        Allowed(Alice, new SetPermissionRequest { Path = "/shared/notes", Permission = 0x1A4 });
        Denied(Bob, new SetPermissionRequest { Path = "/shared/notes", Permission = 0x1B6 });
        Allowed(Alice, new SetOwnerRequest { Path = "/shared/notes", Group = "ml" });
        Denied(Alice, new SetOwnerRequest { Path = "/shared/notes", Group = "admins" });
        Denied(Alice, new SetOwnerRequest { Path = "/shared/notes", Owner = "bob" });
        Allowed(Root, new SetOwnerRequest { Path = "/shared/notes", Owner = "bob", Group = "admins" });
        Denied(Alice, new SetQuotaRequest { Path = "/home/alice", SpaceQuota = 1 });
        Allowed(Root, new SetQuotaRequest { Path = "/home/alice", SpaceQuota = 1 });
        Allowed(Bob, new SetTimesRequest { Path = "/shared/notes" });   // WRITE through ml
        Denied(Carol, new SetTimesRequest { Path = "/shared/notes" });
    }

    [Fact]
    public void ACheckpointJobFollowsItsDirectorysPermissions()
    {
        Allowed(Alice, new BeginCheckpointRequest { Job = "/home/alice/job", Step = 1 });
        Denied(Bob, new BeginCheckpointRequest { Job = "/home/alice/job", Step = 1 });
        Denied(Bob, new CommitCheckpointRequest { Job = "/home/alice" });
        Denied(Bob, new DeleteCheckpointRequest { Job = "/home/alice", Step = 1 });
        Denied(Bob, new SetRetentionRequest { Job = "/home/alice" });
        Denied(Carol, new ListCheckpointsRequest { Job = "/home/alice" });
        Allowed(Bob, new CommitCheckpointRequest { Job = "/shared" });
        Allowed(Carol, new ListCheckpointsRequest { Job = "/shared" });
    }

    [Fact]
    public void ARefusalNamesTheUserTheAccessAndTheInodeAsHdfsDoes()
    {
        var refusal = Assert.Throws<CkptFsException>(() => Check(Bob, new GetBlockLocationsRequest { Path = "/home/alice/private" }));
        Assert.Equal(ErrorCode.PermissionDenied, refusal.Code);
        Assert.Equal("Permission denied: user=bob, access=EXECUTE, inode=\"/home/alice\":alice:ckptfs:drwx------.", refusal.Message);
    }

    private void Check(Caller caller, object request) => AccessPolicy.Check(request, new PermissionChecker(_ns.Fs.Current, caller));

    private void Allowed(Caller caller, object request) => Check(caller, request);

    private void Denied(Caller caller, object request) =>
        Assert.Equal(ErrorCode.PermissionDenied, Assert.Throws<CkptFsException>(() => Check(caller, request)).Code);

    private Task Mkdir(string path, ushort mode, string owner) => _ns.Fs.MkdirsAsync(FsPath.Parse(path), false, mode, owner);

    private async Task File(string path, ushort mode, string owner)
    {
        await _ns.Fs.CreateAsync(new CreateFileRequest(FsPath.Parse(path), "h-" + owner, Permission: mode, Owner: owner));
        await _ns.Fs.CompleteAsync(FsPath.Parse(path), "h-" + owner);
    }
}
