using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The write path's mutations retried across a NameNode restart: the first attempt was applied and
/// made durable, its answer was lost, and the in-memory retry cache went with the process. The retry
/// (same holder, same call id) must get the first attempt's answer, as in HDFS, not "already exists"
/// or "not the last block"; a different call must still be refused.
/// </summary>
public sealed class RetryAfterRestartTests : IDisposable
{
    private const string Holder = "client-a";
    private readonly NamespaceHarness _ns = new();

    public RetryAfterRestartTests() => AddDatanodes();

    public void Dispose() => _ns.Dispose();

    private static FsPath P(string path) => FsPath.Parse(path);

    [Fact]
    public async Task ARetriedCreateIsAnsweredWithTheFileItCreated()
    {
        var first = await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 7 });
        RestartOutOfSafeMode();

        var retried = await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 7 });
        Assert.Equal(first.Inode.Id, retried.Inode.Id);
        Assert.True(((FileInode)retried.Inode).IsUnderConstruction);
        Assert.Equal(1, _ns.Leases.OpenFileCount);
        // The same with overwrite: answered, not replaced by a new inode.
        Assert.Equal(first.Inode.Id, (await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder, Overwrite: true) { CallId = 7 })).Inode.Id);

        // Another create of the same client is not a retry; nor is the same call id from another holder.
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 8 }));
        await FailsAsync(ErrorCode.LeaseHeldByOther, () => _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), "client-b", Overwrite: true) { CallId = 7 }));
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder)));
    }

    [Fact]
    public async Task ACreateIsNoLongerRetriedOnceABlockWasAdded()
    {
        await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 7 });
        await AddBlockAsync(null, callId: 8);
        RestartOutOfSafeMode();
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 7 }));
    }

    [Fact]
    public async Task ARetriedAddBlockGetsTheBlockItAllocatedWithANewPipeline()
    {
        await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 1 });
        var b1 = (await AddBlockAsync(null, callId: 2)).Block with { NumBytes = 1000 };
        _ns.Received("dn1", b1);
        var b2 = await AddBlockAsync(b1, callId: 3);
        RestartOutOfSafeMode();
        _ns.Received("dn1", b1);

        var retried = await AddBlockAsync(b1, callId: 3);
        Assert.Equal(b2.Block, retried.Block);
        Assert.Equal(1000, retried.Offset);
        Assert.Equal(3, retried.Targets.Count);
        var file = (FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode;
        Assert.Equal([b1, b2.Block], file.Blocks.ToArray());
        Assert.Equal(retried.Targets.Select(t => t.Uuid).Order(), _ns.Blocks.GetReplicas(b2.Block.Id).ExpectedTargets.Order());

        // The writer goes on from there; the old call id is no longer a retry.
        var b2Done = b2.Block with { NumBytes = 500 };
        _ns.Received("dn2", b2Done);
        var b3 = await AddBlockAsync(b2Done, callId: 4);
        Assert.NotEqual(b2.Block.Id, b3.Block.Id);
        await FailsAsync(ErrorCode.InvalidArgument, () => AddBlockAsync(b1, callId: 3));
    }

    [Fact]
    public async Task ARetriedFirstAddBlockAfterARestartGetsTheSameBlock()
    {
        await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 1 });
        var first = await AddBlockAsync(null, callId: 2);
        RestartOutOfSafeMode();
        Assert.Equal(first.Block, (await AddBlockAsync(null, callId: 2)).Block);
        // Without a request id (or with another one) it is not a retry: refused as before.
        await FailsAsync(ErrorCode.InvalidArgument, () => AddBlockAsync(null, callId: 0));
        await FailsAsync(ErrorCode.InvalidArgument, () => AddBlockAsync(null, callId: 9));
    }

    [Fact]
    public async Task ARetriedCompleteOfAClosedFileIsAnsweredAndAStaleOneIsNot()
    {
        await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 1 });
        var last = (await AddBlockAsync(null, callId: 2)).Block with { NumBytes = 4096 };
        _ns.Received("dn1", last);
        Assert.True((await _ns.Fs.CompleteAsync(P("/f"), Holder, last)).Completed);
        RestartOutOfSafeMode();
        _ns.Received("dn1", last);

        var retried = await _ns.Fs.CompleteAsync(P("/f"), Holder, last);
        Assert.True(retried.Completed);
        Assert.Equal(4096, ((FileInode)retried.Entry.Inode).Length);
        await FailsAsync(ErrorCode.FileNotUnderConstruction,
            () => _ns.Fs.CompleteAsync(P("/f"), Holder, last with { GenerationStamp = new GenerationStamp(last.GenerationStamp.Value + 1) }));
        await FailsAsync(ErrorCode.FileNotUnderConstruction, () => _ns.Fs.CompleteAsync(P("/f"), Holder, last with { NumBytes = 1 }));
    }

    [Fact]
    public async Task ARetriedUpdatePipelineFindsTheNewGenstampAndSucceeds()
    {
        await _ns.Fs.CreateAsync(new CreateFileRequest(P("/f"), Holder) { CallId = 1 });
        var block = (await AddBlockAsync(null, callId: 2)).Block;
        var bumped = await _ns.Fs.UpdateBlockForPipelineAsync(P("/f"), Holder, block);
        var acknowledged = bumped with { NumBytes = 2048 };
        await _ns.Fs.UpdatePipelineAsync(P("/f"), Holder, block, acknowledged, ["dn1", "dn2"]);
        RestartOutOfSafeMode();

        await _ns.Fs.UpdatePipelineAsync(P("/f"), Holder, block, acknowledged, ["dn1", "dn2"]);
        Assert.Equal(acknowledged, ((FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode).LastBlock);
        Assert.Equal(["dn1", "dn2"], _ns.Blocks.GetReplicas(block.Id).ExpectedTargets.Order());
    }

    private Task<AllocatedBlock> AddBlockAsync(FileBlock? previous, ulong callId) =>
        _ns.Fs.AddBlockAsync(P("/f"), Holder, previous, new HashSet<string>(), clientHost: null, CancellationToken.None, callId);

    /// <summary>A restart, then the DataNodes back: safe mode ends (the tests' files have no complete block left unreported).</summary>
    private void RestartOutOfSafeMode()
    {
        _ns.Restart();
        AddDatanodes();
    }

    private void AddDatanodes()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        _ns.AddDatanode("dn3");
    }
}
