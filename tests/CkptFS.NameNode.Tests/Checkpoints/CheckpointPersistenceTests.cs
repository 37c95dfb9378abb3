using CkptFS.Common;
using CkptFS.NameNode.Checkpoints;
using CkptFS.Protocol.V1;
using static CkptFS.NameNode.Tests.Checkpoints.CheckpointKit;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests.Checkpoints;

/// <summary>The catalog is durable with the namespace and stays consistent with it when folders change by hand.</summary>
[Collection(CheckpointCollection.Name)]
public sealed class CheckpointPersistenceTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public CheckpointPersistenceTests() => _ns.AddDatanode("dn1");

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task CheckpointsLatestAndRetentionSurviveARestart()
    {
        await SaveAsync(_ns, 10, ("rank-0.bin", 100), ("rank-1.bin", 200));
        await SaveAsync(_ns, 20, ("rank-0.bin", 100));
        await _ns.Checkpoints.SetRetentionAsync(Job, new CheckpointRetention(5, 100));
        var before = _ns.Checkpoints.Get(Job, 10).Manifest;

        _ns.Restart();

        var listing = _ns.Checkpoints.List(Job);
        Assert.Equal(20UL, listing.LatestStep);
        Assert.Equal(new CheckpointRetention(5, 100), listing.Retention);
        Assert.Equal([10UL, 20UL], CommittedSteps(_ns));
        Assert.Equal(before, _ns.Checkpoints.Get(Job, 10).Manifest);
        Assert.True(_ns.Checkpoints.Get(Job, null).Latest);
    }

    [Fact]
    public async Task APlainRmOfACheckpointFolderRemovesItFromViewAndItsRecordIsDropped()
    {
        await SaveAsync(_ns, 1, ("a", 1));
        await SaveAsync(_ns, 2, ("a", 1));

        await _ns.DeleteAsync("/jobs/llama/step-00000002", recursive: true);

        Assert.Equal(1UL, _ns.Checkpoints.List(Job).LatestStep);
        Assert.Equal([1UL], CommittedSteps(_ns));
        await FailsAsync(ErrorCode.CheckpointNotFound, () => Task.FromResult(_ns.Checkpoints.Get(Job, 2)));
        var outcome = await _ns.Checkpoints.CollectAsync(Job);
        Assert.Equal([2UL], outcome.RecordsDropped);
        _ns.Restart();
        Assert.Equal(1UL, _ns.Checkpoints.List(Job).LatestStep);
        Assert.Equal([1UL], CommittedSteps(_ns));
    }

    [Fact]
    public async Task AShardRemovedByHandMarksTheCheckpointDamagedAndLatestSkipsIt()
    {
        await SaveAsync(_ns, 1, ("a", 1));
        await SaveAsync(_ns, 2, ("a", 1), ("b", 1));

        await _ns.DeleteAsync("/jobs/llama/step-00000002/b");

        var listing = _ns.Checkpoints.List(Job);
        Assert.Equal(1UL, listing.LatestStep);
        var damaged = listing.Checkpoints.Single(c => c.Step == 2);
        Assert.Equal(CheckpointState.Damaged, damaged.State);
        Assert.Contains("shard b is missing", damaged.Problem, StringComparison.Ordinal);
        Assert.Equal(1UL, _ns.Checkpoints.Get(Job, null).Step);
    }

    [Fact]
    public async Task ARemovedJobDirectoryDropsTheJob()
    {
        await SaveAsync(_ns, 1, ("a", 1));
        await _ns.DeleteAsync("/jobs/llama", recursive: true);

        await _ns.Checkpoints.CollectAllAsync(CancellationToken.None);

        Assert.Empty(_ns.Committer.PublishedMetadata.Checkpoints.Jobs);
        _ns.Restart();
        Assert.Empty(_ns.Committer.PublishedMetadata.Checkpoints.Jobs);
        await FailsAsync(ErrorCode.CheckpointNotFound, () => Task.FromResult(_ns.Checkpoints.List(Job)));
    }
}
