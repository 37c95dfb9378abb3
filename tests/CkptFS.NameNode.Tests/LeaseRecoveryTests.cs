using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Namespace;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

/// <summary>Leases on a fake clock: soft limit 10 s, hard limit 60 s, recovery timeout 30 s (the harness's settings).</summary>
public class LeaseRecoveryTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public LeaseRecoveryTests()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        _ns.AddDatanode("dn3");
    }

    public void Dispose() => _ns.Dispose();

    private static FsPath P(string path) => FsPath.Parse(path);

    /// <summary>An open file by "writer" with one block of which every node holds an rbw replica of <paramref name="bytes"/> bytes.</summary>
    private async Task<FileBlock> OpenWithRbwBlockAsync(string path, long bytes)
    {
        await _ns.CreateAsync(path, holder: "writer");
        var allocated = await _ns.AddBlockAsync(path, null, holder: "writer");
        foreach (var target in allocated.Targets)
        {
            _ns.Blocks.ProcessIncrementalReport(target.Uuid,
                [(new ReportedReplica(allocated.Block.Id, allocated.Block.GenerationStamp, bytes, ReplicaKind.BeingWritten), ReplicaChange.Receiving)]);
        }
        return allocated.Block;
    }

    private void Pass(TimeSpan span)
    {
        _ns.Time.Advance(span);
        foreach (var uuid in new[] { "dn1", "dn2", "dn3" })
        {
            _ns.Heartbeat(uuid);
        }
    }

    private BlockRecovery DrainOneRecovery()
    {
        var recoveries = new[] { "dn1", "dn2", "dn3" }.SelectMany(_ns.Recoveries.Drain).ToList();
        return Assert.Single(recoveries);
    }

    [Fact]
    public async Task ASecondWriterIsToldWhoHoldsTheFileAndWhenItCanBeTakenOver()
    {
        await _ns.CreateAsync("/f", holder: "writer");
        Pass(TimeSpan.FromSeconds(4));
        var message = await FailsAsync(ErrorCode.LeaseHeldByOther, () => _ns.CreateAsync("/f", holder: "intruder", overwrite: true));
        Assert.Contains("writer", message, StringComparison.Ordinal);
        Assert.Contains("renewed its lease 4 s ago", message, StringComparison.Ordinal);
        Assert.Contains("12:00:10 UTC (in 6 s)", message, StringComparison.Ordinal);
        message = await FailsAsync(ErrorCode.LeaseHeldByOther, () => _ns.Fs.RecoverLeaseAsync(P("/f"), "intruder", force: false));
        Assert.Contains("force", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenewalKeepsALeaseAlivePastItsLimits()
    {
        await _ns.CreateAsync("/f", holder: "writer");
        for (var i = 0; i < 20; i++)
        {
            Pass(TimeSpan.FromSeconds(5));
            Assert.True(_ns.Leases.Renew("writer"));
            Assert.Equal(0, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        }
        await FailsAsync(ErrorCode.LeaseHeldByOther, () => _ns.CreateAsync("/f", holder: "intruder", overwrite: true));
        Assert.True(((FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode).IsUnderConstruction);
    }

    [Fact]
    public async Task AfterTheSoftLimitCreateOverwriteStartsRecoveryWhichFencesTheOldWriterAndClosesTheFile()
    {
        var block = await OpenWithRbwBlockAsync("/f", 5000);
        Pass(TimeSpan.FromSeconds(11));

        await FailsAsync(ErrorCode.RecoveryInProgress, () => _ns.CreateAsync("/f", holder: "intruder", overwrite: true));
        var recovery = DrainOneRecovery();
        Assert.Equal(block.Id, recovery.Block.Id);
        Assert.True(recovery.RecoveryId > block.GenerationStamp);
        Assert.Equal(3, recovery.Replicas.Count);
        Assert.Equal(recovery.Primary, recovery.Replicas[0].Uuid);
        // The old writer is fenced at the NameNode from now on.
        var message = await FailsAsync(ErrorCode.LeaseNotHeld, () => _ns.Fs.CompleteAsync(P("/f"), "writer", block with { NumBytes = 5000 }));
        Assert.Contains("lease recovery", message, StringComparison.Ordinal);
        // Asking again while it runs starts nothing new.
        await FailsAsync(ErrorCode.RecoveryInProgress, () => _ns.CreateAsync("/f", holder: "intruder", overwrite: true));
        Assert.False(await _ns.Fs.RecoverLeaseAsync(P("/f"), "intruder", force: false));
        Assert.Empty(new[] { "dn1", "dn2", "dn3" }.SelectMany(_ns.Recoveries.Drain));

        // A commit with another id is refused; the right one closes the file at the agreed length.
        await FailsAsync(ErrorCode.StaleGenerationStamp,
            () => _ns.Fs.CommitBlockSynchronizationAsync(block, new GenerationStamp(recovery.RecoveryId.Value + 7), 4096, false, ["dn1"]));
        await _ns.Fs.CommitBlockSynchronizationAsync(block, recovery.RecoveryId, 4096, false, ["dn1", "dn2", "dn3"]);
        var file = (FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode;
        Assert.False(file.IsUnderConstruction);
        Assert.Equal(new FileBlock(block.Id, recovery.RecoveryId, 4096), file.LastBlock);
        Assert.Equal(0, _ns.Leases.OpenFileCount);
        // The primary's retry of the same commit is answered as success.
        await _ns.Fs.CommitBlockSynchronizationAsync(block, recovery.RecoveryId, 4096, false, ["dn1", "dn2", "dn3"]);
        await FailsAsync(ErrorCode.FileNotUnderConstruction, () => _ns.Fs.CompleteAsync(P("/f"), "writer", block with { NumBytes = 5000 }));

        // Now the second client's create replaces it.
        var created = await _ns.CreateAsync("/f", holder: "intruder", overwrite: true);
        Assert.Equal("intruder", ((FileInode)created.Inode).LeaseHolder);
    }

    [Fact]
    public async Task RecoverLeaseClosesAFileWithoutBlocksAtOnceAndDropsAnEmptyLastBlockNobodyHolds()
    {
        await _ns.CreateAsync("/empty", holder: "writer");
        Assert.True(await _ns.Fs.RecoverLeaseAsync(P("/empty"), "other", force: true));
        Assert.False(((FileInode)_ns.Fs.GetFileInfo(P("/empty")).Inode).IsUnderConstruction);

        await _ns.CreateAsync("/nobytes", holder: "writer");
        var allocated = await _ns.AddBlockAsync("/nobytes", null, holder: "writer");
        // Its whole pipeline died before reporting anything.
        foreach (var target in allocated.Targets)
        {
            _ns.Datanodes.StreamOpened(target.Uuid);
            _ns.Datanodes.StreamClosed(target.Uuid);
        }
        _ns.Time.Advance(_ns.DatanodeOptions.DisconnectGrace + TimeSpan.FromSeconds(1));
        _ns.Datanodes.CheckLiveness();
        Assert.True(await _ns.Fs.RecoverLeaseAsync(P("/nobytes"), "writer", force: false));
        var file = (FileInode)_ns.Fs.GetFileInfo(P("/nobytes")).Inode;
        Assert.False(file.IsUnderConstruction);
        Assert.Empty(file.Blocks);
        Assert.Equal(0, _ns.Leases.OpenFileCount);
    }

    [Fact]
    public async Task AfterTheHardLimitTheNameNodeRecoversByItselfAndRetriesAStuckRecovery()
    {
        var block = await OpenWithRbwBlockAsync("/f", 1000);
        Pass(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        Pass(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        var first = DrainOneRecovery();
        Assert.Equal(LeaseManager.RecoveryHolder, ((FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode).LeaseHolder);

        // The primary never commits: after the recovery timeout, again with a new id.
        Pass(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        Pass(TimeSpan.FromSeconds(21));
        Assert.Equal(1, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        var second = DrainOneRecovery();
        Assert.True(second.RecoveryId > first.RecoveryId);
        // The first primary's late commit is refused; the second's closes the file.
        await FailsAsync(ErrorCode.StaleGenerationStamp, () => _ns.Fs.CommitBlockSynchronizationAsync(block, first.RecoveryId, 1000, false, ["dn1"]));
        await _ns.Fs.CommitBlockSynchronizationAsync(block, second.RecoveryId, 1000, false, ["dn1", "dn2"]);
        Assert.False(((FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode).IsUnderConstruction);
        // The replica left out is stale: it is queued for deletion on its node.
        var deletes = _ns.Blocks.DrainDeletes("dn3");
        Assert.Equal(block.Id, Assert.Single(deletes).Id);
    }

    [Fact]
    public async Task ARestartRenewsEveryLeaseAndRestartsRecoveriesThatWereUnderWay()
    {
        var block = await OpenWithRbwBlockAsync("/recovering", 700);
        await _ns.CreateAsync("/open", holder: "live-writer");
        Assert.False(await _ns.Fs.RecoverLeaseAsync(P("/recovering"), "other", force: true));
        var before = DrainOneRecovery();

        Pass(TimeSpan.FromSeconds(50));
        _ns.Restart();
        Assert.Equal(2, _ns.Leases.OpenFileCount);
        // Out of safe mode once the block is reported again.
        foreach (var uuid in new[] { "dn1", "dn2", "dn3" })
        {
            _ns.AddDatanode(uuid);
            _ns.Blocks.ProcessFullReport(uuid, [new ReportedReplica(block.Id, block.GenerationStamp, 700, ReplicaKind.BeingWritten)]);
        }
        Assert.False(_ns.Blocks.InSafeMode);
        Assert.Equal(1, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        var after = DrainOneRecovery();
        Assert.True(after.RecoveryId > before.RecoveryId);
        // The live writer's lease counts from the restart: 50 s before it plus 20 s after is not past the 60 s hard limit.
        Pass(TimeSpan.FromSeconds(20));
        Assert.Equal(0, await _ns.LeaseMonitor.CheckAsync(CancellationToken.None));
        Assert.Equal("live-writer", ((FileInode)_ns.Fs.GetFileInfo(P("/open")).Inode).LeaseHolder);
    }

    [Fact]
    public async Task DeletingAnOpenFileReleasesItsLease()
    {
        await _ns.CreateAsync("/d/f", holder: "writer", parents: true);
        Assert.Equal(1, _ns.Leases.OpenFileCount);
        await _ns.DeleteAsync("/d", recursive: true);
        Assert.Equal(0, _ns.Leases.OpenFileCount);
        Assert.False(_ns.Leases.Renew("writer"));
    }

    [Fact]
    public async Task PipelineRecoveryBumpsTheGenstampDurablyAndDropsTheReplicaLeftBehind()
    {
        var block = await OpenWithRbwBlockAsync("/f", 3000);
        await FailsAsync(ErrorCode.LeaseNotHeld, () => _ns.Fs.UpdateBlockForPipelineAsync(P("/f"), "intruder", block));
        var fresh = await _ns.Fs.UpdateBlockForPipelineAsync(P("/f"), "writer", block);
        Assert.Equal(block.Id, fresh.Id);
        Assert.True(fresh.GenerationStamp > block.GenerationStamp);

        // The genstamp is never handed out again, even after a restart with nothing else written.
        _ns.Restart();
        foreach (var uuid in new[] { "dn1", "dn2", "dn3" })
        {
            _ns.AddDatanode(uuid);
            _ns.Blocks.ProcessFullReport(uuid, [new ReportedReplica(block.Id, block.GenerationStamp, 3000, ReplicaKind.BeingWritten)]);
        }
        var again = await _ns.Fs.UpdateBlockForPipelineAsync(P("/f"), "writer", block);
        Assert.True(again.GenerationStamp > fresh.GenerationStamp);

        await FailsAsync(ErrorCode.StaleGenerationStamp, () => _ns.Fs.UpdatePipelineAsync(P("/f"), "writer", block,
            again with { GenerationStamp = new GenerationStamp(again.GenerationStamp.Value + 100) }, ["dn1", "dn2"]));
        await _ns.Fs.UpdatePipelineAsync(P("/f"), "writer", block, again with { NumBytes = 2048 }, ["dn1", "dn2"]);
        var file = (FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode;
        Assert.Equal(again.GenerationStamp, file.LastBlock!.Value.GenerationStamp);
        Assert.Equal(2048, file.LastBlock.Value.NumBytes); // what the new pipeline acknowledged: readers see that much
        Assert.Equal(block.Id, Assert.Single(_ns.Blocks.DrainDeletes("dn3")).Id);
        // The writer's calls with the old genstamp are refused.
        await FailsAsync(ErrorCode.StaleGenerationStamp, () => _ns.Fs.UpdateLengthAsync(P("/f"), "writer", block with { NumBytes = 4000 }));

        var added = _ns.Fs.GetAdditionalDatanodes(P("/f"), "writer", file.LastBlock.Value, ["dn1", "dn2"], [], 1, null);
        Assert.Equal("dn3", Assert.Single(added).Uuid);
        await FailsAsync(ErrorCode.NotEnoughDataNodes,
            () => Task.FromResult(_ns.Fs.GetAdditionalDatanodes(P("/f"), "writer", file.LastBlock.Value, ["dn1", "dn2"], ["dn3"], 1, null)));
    }
}
