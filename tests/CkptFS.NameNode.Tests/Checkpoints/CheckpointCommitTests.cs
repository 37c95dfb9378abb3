using CkptFS.Common;
using CkptFS.Common.Faults;
using CkptFS.NameNode.Blocks;
using CkptFS.Protocol.V1;
using static CkptFS.NameNode.Tests.Checkpoints.CheckpointKit;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests.Checkpoints;

/// <summary>CommitCheckpoint's checks and its one transaction (fault points are process-wide: this collection runs alone).</summary>
[Collection(CheckpointCollection.Name)]
public sealed class CheckpointCommitTests : IDisposable
{
    private readonly NamespaceHarness _ns = new(blockOptions: new BlockManagerOptions { MinReplication = 1 });

    public CheckpointCommitTests()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        _ns.AddDatanode("dn3");
    }

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task CommitPublishesThePendingFolderAtStepNAndMovesLatest()
    {
        var outcome = await SaveAsync(_ns, 100, ("rank-0.bin", 1000), ("sub/rank-1.bin", 2000));

        Assert.True(outcome.LatestMoved);
        Assert.Equal("/jobs/llama/step-00000100", outcome.Checkpoint.Path.Value);
        Assert.True(_ns.Exists("/jobs/llama/step-00000100/rank-0.bin"));
        Assert.True(_ns.Exists("/jobs/llama/step-00000100/sub/rank-1.bin"));
        Assert.False(_ns.Exists("/jobs/llama/.pending"));
        var listing = _ns.Checkpoints.List(Job);
        Assert.Equal(100UL, listing.LatestStep);
        var only = Assert.Single(listing.Checkpoints);
        Assert.Equal(CheckpointState.Committed, only.State);
        Assert.Equal(3000, only.TotalBytes);
        Assert.Equal("3e-4", _ns.Checkpoints.Get(Job, null).Manifest!.Hyperparameters["lr"]);
    }

    [Fact]
    public async Task ACommitNamesOpenMissingShortAndUnlistedShardsAndLatestStays()
    {
        await SaveAsync(_ns, 1, ("rank-0.bin", 10));
        await _ns.Checkpoints.BeginAsync(Job, 2, owner: null);
        await WriteFileAsync(_ns, Pending(2, "rank-0.bin"), 10);
        await WriteFileAsync(_ns, Pending(2, "rank-1.bin"), 10, holder: "rank-1-writer", close: false);
        await WriteFileAsync(_ns, Pending(2, "short.bin"), 5);
        await WriteFileAsync(_ns, Pending(2, "stray.bin"), 5);

        var message = await FailsAsync(ErrorCode.CheckpointIncomplete, () => _ns.Checkpoints.CommitAsync(Job,
            Manifest(2, ("rank-0.bin", 10), ("rank-1.bin", 10), ("rank-2.bin", 10), ("short.bin", 10))));

        Assert.Contains("rank-1.bin is still open for write by rank-1-writer", message, StringComparison.Ordinal);
        Assert.Contains("rank-2.bin is missing", message, StringComparison.Ordinal);
        Assert.Contains("short.bin is 5 bytes, the manifest says 10", message, StringComparison.Ordinal);
        Assert.Contains("stray.bin is in /jobs/llama/.pending/step-00000002 but not in the manifest", message, StringComparison.Ordinal);
        Assert.Equal(1UL, _ns.Checkpoints.List(Job).LatestStep);
        Assert.False(_ns.Exists("/jobs/llama/step-00000002"));
        Assert.True(_ns.Exists("/jobs/llama/.pending/step-00000002/rank-0.bin"));
    }

    [Fact]
    public async Task AShardBelowItsMinimumReplicasIsATransientRefusal()
    {
        await _ns.Checkpoints.BeginAsync(Job, 3, owner: null);
        await WriteFileAsync(_ns, Pending(3, "rank-0.bin"), 10);
        var file = (Namespace.FileInode)_ns.Fs.GetFileInfo(Pending(3, "rank-0.bin")).Inode;
        _ns.Blocks.ProcessIncrementalReport("dn1", [(new ReportedReplica(file.Blocks[0].Id, file.Blocks[0].GenerationStamp, 10, ReplicaKind.Finalized), ReplicaChange.Deleted)]);

        var message = await FailsAsync(ErrorCode.NotEnoughReplicas, () => _ns.Checkpoints.CommitAsync(Job, Manifest(3, ("rank-0.bin", 10))));

        Assert.Contains("has 0 of its minimum 1 finalized replicas", message, StringComparison.Ordinal);
        _ns.Received("dn2", file.Blocks[0]);
        await _ns.Checkpoints.CommitAsync(Job, Manifest(3, ("rank-0.bin", 10)));
    }

    [Fact]
    public async Task AnOlderStepCommitsButLatestDoesNotMoveBack()
    {
        await SaveAsync(_ns, 20, ("a", 1));
        var older = await SaveAsync(_ns, 10, ("a", 1));

        Assert.False(older.LatestMoved);
        Assert.Equal(20UL, _ns.Checkpoints.List(Job).LatestStep);
        Assert.Equal([10UL, 20UL], CommittedSteps(_ns));
    }

    [Fact]
    public async Task TheSameManifestAgainIsAnsweredAndAnotherIsRefused()
    {
        var first = await SaveAsync(_ns, 5, ("a", 1));
        var again = await _ns.Checkpoints.CommitAsync(Job, Manifest(5, ("a", 1)));
        Assert.Equal(first.Checkpoint.CommittedMs, again.Checkpoint.CommittedMs);

        var other = Manifest(5, ("a", 1));
        other.Epoch = 9;
        var message = await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.Checkpoints.CommitAsync(Job, other));
        Assert.Contains("already committed", message, StringComparison.Ordinal);
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.Checkpoints.BeginAsync(Job, 5, owner: null));
    }

    [Fact]
    public async Task ABadManifestIsRefusedBeforeAnythingChanges()
    {
        await _ns.Checkpoints.BeginAsync(Job, 1, owner: null);
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Checkpoints.CommitAsync(Job, Manifest(1)));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Checkpoints.CommitAsync(Job, Manifest(1, ("../x", 1))));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Checkpoints.CommitAsync(Job, Manifest(1, ("a", 1), ("a", 1))));
        var tensorOutside = Manifest(1, ("a", 10));
        tensorOutside.Shards[0].Tensors.Add(new TensorInfo { Name = "w", Begin = 8, End = 11 });
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Checkpoints.CommitAsync(Job, tensorOutside));
        await FailsAsync(ErrorCode.CheckpointNotFound, () => _ns.Checkpoints.CommitAsync(Job, Manifest(2, ("a", 1))));
    }

    [Fact]
    public async Task AFailureJustBeforeTheTransactionLeavesNothingVisible()
    {
        await _ns.Checkpoints.BeginAsync(Job, 7, owner: null);
        await WriteFileAsync(_ns, Pending(7, "rank-0.bin"), 10);
        using (FaultPoints.Arm(new FaultRule(FaultPoint.NameNodeBeforeCheckpointCommit, FaultAction.Throw)))
        {
            await FailsAsync(ErrorCode.Internal, () => _ns.Checkpoints.CommitAsync(Job, Manifest(7, ("rank-0.bin", 10))));
        }
        Assert.False(_ns.Exists("/jobs/llama/step-00000007"));
        Assert.Null(_ns.Checkpoints.List(Job).LatestStep);
        _ns.Restart();
        _ns.AddDatanode("dn1");
        Assert.False(_ns.Exists("/jobs/llama/step-00000007"));
        Assert.True(_ns.Exists("/jobs/llama/.pending/step-00000007/rank-0.bin"));
    }

    [Fact]
    public async Task TheLatestIsDeletedOnlyWhenAskedAndLatestFallsBack()
    {
        await SaveAsync(_ns, 1, ("a", 1));
        await SaveAsync(_ns, 2, ("a", 1));
        var message = await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Checkpoints.DeleteAsync(Job, 2, allowLatest: false));
        Assert.Contains("--force", message, StringComparison.Ordinal);

        Assert.Equal(1UL, await _ns.Checkpoints.DeleteAsync(Job, 2, allowLatest: true));
        Assert.False(_ns.Exists("/jobs/llama/step-00000002"));
        Assert.Equal([1UL], CommittedSteps(_ns));
        await FailsAsync(ErrorCode.CheckpointNotFound, () => _ns.Checkpoints.DeleteAsync(Job, 2, allowLatest: true));
    }
}
