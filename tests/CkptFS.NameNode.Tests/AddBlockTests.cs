using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

public class AddBlockTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public AddBlockTests()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        _ns.AddDatanode("dn3");
    }

    public void Dispose() => _ns.Dispose();

    private static FsPath P(string path) => FsPath.Parse(path);

    [Fact]
    public async Task AddBlockNeedsTheWriterAndAnOpenFile()
    {
        await _ns.CreateAsync("/f", holder: "writer");
        var message = await FailsAsync(ErrorCode.LeaseNotHeld, () => _ns.AddBlockAsync("/f", null, holder: "intruder"));
        Assert.Contains("being written by writer", message, StringComparison.Ordinal);
        await _ns.Fs.CompleteAsync(P("/f"), "writer");
        await FailsAsync(ErrorCode.FileNotUnderConstruction, () => _ns.AddBlockAsync("/f", null, holder: "writer"));
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.AddBlockAsync("/nope", null));
    }

    [Fact]
    public async Task AddBlockReturnsDistinctTargetsAndNewIdsThatSurviveARestart()
    {
        await _ns.CreateAsync("/f");
        var first = await _ns.AddBlockAsync("/f", null);
        Assert.Equal(3, first.Targets.Select(t => t.Uuid).Distinct().Count());
        Assert.Equal(0, first.Offset);
        var done = first.Block with { NumBytes = 1000 };
        _ns.Received("dn1", done);
        var second = await _ns.AddBlockAsync("/f", done);
        Assert.Equal(1000, second.Offset);
        Assert.NotEqual(first.Block.Id, second.Block.Id);
        Assert.True(second.Block.GenerationStamp > first.Block.GenerationStamp);

        _ns.Restart();
        var file = (FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode;
        Assert.Equal([done, second.Block], file.Blocks.ToArray());
        Assert.Equal(1000, file.Length);
        // Ids are never reused: the counters were persisted with the blocks.
        _ns.AddDatanode("dn1");
        _ns.Received("dn1", done);
        await _ns.CreateAsync("/g", holder: "client-b");
        var next = await _ns.AddBlockAsync("/g", null, holder: "client-b");
        Assert.True(next.Block.Id.Value > second.Block.Id.Value);
        Assert.True(next.Block.GenerationStamp > second.Block.GenerationStamp);
    }

    [Fact]
    public async Task PreviousMustBeTheLastBlock()
    {
        await _ns.CreateAsync("/f");
        var first = (await _ns.AddBlockAsync("/f", null)).Block;
        var message = await FailsAsync(ErrorCode.InvalidArgument, () => _ns.AddBlockAsync("/f", null));
        Assert.Contains(first.Id.ToString(), message, StringComparison.Ordinal);
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.AddBlockAsync("/f", first with { Id = new BlockId(first.Id.Value + 100) }));
        await FailsAsync(ErrorCode.StaleGenerationStamp, () => _ns.AddBlockAsync("/f", first with { GenerationStamp = new GenerationStamp(1) }));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.AddBlockAsync("/f", first with { NumBytes = _ns.Options.DefaultBlockSizeBytes + 1 }));
    }

    [Fact]
    public async Task ANewBlockWaitsForThePenultimateBlocksMinimumReplicas()
    {
        await _ns.CreateAsync("/f");
        var b1 = (await _ns.AddBlockAsync("/f", null)).Block with { NumBytes = 10 };
        var b2 = (await _ns.AddBlockAsync("/f", b1)).Block with { NumBytes = 10 };
        var message = await FailsAsync(ErrorCode.NotEnoughReplicas, () => _ns.AddBlockAsync("/f", b2));
        Assert.Contains(b1.Id.ToString(), message, StringComparison.Ordinal);
        Assert.True(new CkptFsException(ErrorCode.NotEnoughReplicas, "x").IsTransient);
        _ns.Received("dn2", b1);
        await _ns.AddBlockAsync("/f", b2);
    }

    [Fact]
    public async Task CompleteSaysNotYetUntilEveryBlockHasAFinalizedReplica()
    {
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block with { NumBytes = 4096 };
        var result = await _ns.Fs.CompleteAsync(P("/f"), "client-a", block);
        Assert.False(result.Completed);
        Assert.True(((FileInode)result.Entry.Inode).IsUnderConstruction);
        Assert.Equal(4096, ((FileInode)result.Entry.Inode).Length);
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.CompleteAsync(P("/f"), "client-a"));

        _ns.Received("dn3", block);
        result = await _ns.Fs.CompleteAsync(P("/f"), "client-a", block);
        Assert.True(result.Completed);
        Assert.False(((FileInode)result.Entry.Inode).IsUnderConstruction);
    }

    [Fact]
    public async Task UpdateLengthIsWhatReadersOfAnOpenFileSee()
    {
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        var open = _ns.Fs.GetBlockLocations(P("/f"), 0, 0, null);
        Assert.True(open.UnderConstruction);
        Assert.Equal(0, open.FileLength);
        Assert.Equal(3, Assert.Single(open.Blocks).Locations.Count);   // the pipeline stands in before reports

        Assert.Equal(512, await _ns.Fs.UpdateLengthAsync(P("/f"), "client-a", block with { NumBytes = 512 }));
        Assert.Equal(512, await _ns.Fs.UpdateLengthAsync(P("/f"), "client-a", block with { NumBytes = 100 }));
        var read = _ns.Fs.GetBlockLocations(P("/f"), 0, 0, null);
        Assert.Equal(512, read.FileLength);
        Assert.Equal(512, read.Blocks.Single().Block.NumBytes);
        await FailsAsync(ErrorCode.LeaseNotHeld, () => _ns.Fs.UpdateLengthAsync(P("/f"), "other", block with { NumBytes = 600 }));
    }

    [Fact]
    public async Task DeleteOverwriteAndRenameOverQueueDeletesOnTheNodesHoldingReplicas()
    {
        async Task<FileBlock> WriteAsync(string path, params string[] holders)
        {
            await _ns.CreateAsync(path, overwrite: true);
            var block = (await _ns.AddBlockAsync(path, null)).Block with { NumBytes = 1 };
            foreach (var holder in holders)
            {
                _ns.Received(holder, block);
            }
            Assert.True((await _ns.Fs.CompleteAsync(P(path), "client-a", block)).Completed);
            return block;
        }
        var deleted = await WriteAsync("/deleted", "dn1", "dn2");
        var overwritten = await WriteAsync("/overwritten", "dn3");
        var replaced = await WriteAsync("/replaced", "dn2");
        var source = await WriteAsync("/source", "dn1");

        await _ns.DeleteAsync("/deleted");
        await WriteAsync("/overwritten", "dn1");
        await _ns.RenameAsync("/source", "/replaced", overwrite: true);

        Assert.Equal([deleted.Id], _ns.Blocks.DrainDeletes("dn1").Select(b => b.Id));
        Assert.Equal([deleted.Id.Value, replaced.Id.Value], _ns.Blocks.DrainDeletes("dn2").Select(b => b.Id.Value).Order());
        Assert.Equal([overwritten.Id], _ns.Blocks.DrainDeletes("dn3").Select(b => b.Id));
        Assert.Equal(["dn1"], _ns.Blocks.GetReplicas(source.Id).Live);
    }

    [Fact]
    public async Task AbandonedBlocksLeaveTheFile()
    {
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        await _ns.Fs.AbandonBlockAsync(P("/f"), "client-a", block);
        await _ns.Fs.AbandonBlockAsync(P("/f"), "client-a", block);
        Assert.Empty(((FileInode)_ns.Fs.GetFileInfo(P("/f")).Inode).Blocks);
        Assert.Equal(0, _ns.Blocks.GetStats().TotalBlocks);
        var again = await _ns.AddBlockAsync("/f", null);
        Assert.NotEqual(block.Id, again.Block.Id);
    }

    [Fact]
    public async Task ReadersGetTheNearestReplicaFirstAndStaleOnesLast()
    {
        _ns.AddDatanode("near", host: "10.0.0.5", location: "/rack-b");
        _ns.AddDatanode("same-rack", location: "/rack-b");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block with { NumBytes = 10 };
        foreach (var uuid in new[] { "dn1", "same-rack", "near" })
        {
            _ns.Received(uuid, block);
        }
        await _ns.Fs.CompleteAsync(P("/f"), "client-a", block);

        var order = _ns.Fs.GetBlockLocations(P("/f"), 0, 0, "10.0.0.5").Blocks.Single().Locations.Select(n => n.Uuid).ToList();
        Assert.Equal(["near", "same-rack", "dn1"], order);

        _ns.Time.Advance(TimeSpan.FromSeconds(31));
        _ns.Heartbeat("dn1");
        _ns.Heartbeat("same-rack");
        order = [.. _ns.Fs.GetBlockLocations(P("/f"), 0, 0, "10.0.0.5").Blocks.Single().Locations.Select(n => n.Uuid)];
        Assert.Equal(["same-rack", "dn1", "near"], order);
    }

    [Fact]
    public async Task BlocksSurviveARestartButLocationsComeBackOnlyWithReportsAndSafeModeEndsThen()
    {
        await _ns.CreateAsync("/f");
        var b1 = (await _ns.AddBlockAsync("/f", null)).Block with { NumBytes = 100 };
        _ns.Received("dn1", b1);
        var b2 = (await _ns.AddBlockAsync("/f", b1)).Block with { NumBytes = 50 };
        _ns.Received("dn2", b2);
        Assert.True((await _ns.Fs.CompleteAsync(P("/f"), "client-a", b2)).Completed);
        await _ns.CreateAsync("/open", holder: "client-b");
        await _ns.AddBlockAsync("/open", null, holder: "client-b");

        _ns.Restart();
        Assert.True(_ns.Blocks.InSafeMode);
        var read = _ns.Fs.GetBlockLocations(P("/f"), 0, 0, null);
        Assert.Equal(150, read.FileLength);
        Assert.All(read.Blocks, b => Assert.Empty(b.Locations));
        var message = await FailsAsync(ErrorCode.SafeMode, () => _ns.MkdirAsync("/d"));
        Assert.Contains("0 of 2 blocks", message, StringComparison.Ordinal);
        await FailsAsync(ErrorCode.SafeMode, () => _ns.AddBlockAsync("/open", null, holder: "client-b"));

        _ns.AddDatanode("dn1");
        _ns.Received("dn1", b1);
        Assert.True(_ns.Blocks.InSafeMode);
        _ns.AddDatanode("dn2");
        _ns.Blocks.ProcessFullReport("dn2", [new(b2.Id, b2.GenerationStamp, b2.NumBytes, Blocks.ReplicaKind.Finalized)]);
        Assert.False(_ns.Blocks.InSafeMode);   // the open file's empty last block does not count
        Assert.Equal(["dn2"], _ns.Fs.GetBlockLocations(P("/f"), 100, 0, null).Blocks.Single().Locations.Select(n => n.Uuid));
        await _ns.MkdirAsync("/d");
    }

    [Fact]
    public async Task FsckCountsBlocksByHealth()
    {
        await _ns.MkdirAsync("/ckpt");
        await _ns.CreateAsync("/ckpt/ok");
        var ok = (await _ns.AddBlockAsync("/ckpt/ok", null)).Block with { NumBytes = 10 };
        foreach (var uuid in new[] { "dn1", "dn2", "dn3" })
        {
            _ns.Received(uuid, ok);
        }
        await _ns.Fs.CompleteAsync(P("/ckpt/ok"), "client-a", ok);
        await _ns.CreateAsync("/ckpt/thin");
        var thin = (await _ns.AddBlockAsync("/ckpt/thin", null)).Block with { NumBytes = 20 };
        _ns.Received("dn1", thin);
        await _ns.Fs.CompleteAsync(P("/ckpt/thin"), "client-a", thin);
        await _ns.CreateAsync("/ckpt/open");

        var report = _ns.Fs.Fsck(P("/ckpt"), listAllBlocks: false);
        Assert.Equal((2, 1, 30L, 2L, 1L, 1L, 0L, 1L), (report.Files, report.Directories, report.TotalBytes, report.Blocks, report.HealthyBlocks, report.UnderReplicatedBlocks, report.MissingBlocks, report.OpenFiles));
        Assert.True(report.Healthy);
        Assert.Equal(thin.Id, Assert.Single(report.ListedBlocks).Block.Id);
        Assert.Equal(2, _ns.Fs.Fsck(P("/ckpt"), listAllBlocks: true).ListedBlocks.Count);
    }
}
