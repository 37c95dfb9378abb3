using CkptFS.NameNode.Checkpoints;
using CkptFS.Protocol.V1;
using static CkptFS.NameNode.Tests.Checkpoints.CheckpointKit;

namespace CkptFS.NameNode.Tests.Checkpoints;

/// <summary>Retention (keep-last, keep-every, never the newest) and the collection of abandoned pending steps.</summary>
[Collection(CheckpointCollection.Name)]
public sealed class CheckpointRetentionTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public CheckpointRetentionTests() => _ns.AddDatanode("dn1");

    public void Dispose() => _ns.Dispose();

    [Theory]
    [InlineData(2, 0, new ulong[] { 5, 10, 15, 20, 25 }, 25UL, new ulong[] { 5, 10, 15 })]
    [InlineData(2, 10, new ulong[] { 5, 10, 15, 20, 25 }, 25UL, new ulong[] { 5, 15 })]
    [InlineData(0, 10, new ulong[] { 5, 10, 15, 20, 25 }, 25UL, new ulong[] { 5, 15 })]
    [InlineData(1, 0, new ulong[] { 5, 10, 15 }, 10UL, new ulong[] { 5 })]
    [InlineData(0, 0, new ulong[] { 5, 10, 15 }, 15UL, new ulong[0])]
    public void SelectDeletionsKeepsTheLastNEveryKthAndTheNewestIntact(int keepLast, int keepEvery, ulong[] steps, ulong newest, ulong[] expected) =>
        Assert.Equal(expected, new CheckpointRetention(keepLast, keepEvery).SelectDeletions(steps, newest));

    [Fact]
    public async Task RetentionRunsAfterEachCommit()
    {
        await _ns.Checkpoints.BeginAsync(Job, 0, owner: null);
        await _ns.Checkpoints.SetRetentionAsync(Job, new CheckpointRetention(KeepLast: 2, KeepEvery: 10));
        foreach (var step in new ulong[] { 5, 10, 15, 20 })
        {
            await SaveAsync(_ns, step, ("a", 1));
        }
        var last = await SaveAsync(_ns, 25, ("a", 1));

        Assert.Equal([15UL], last.RetentionDeleted);
        Assert.Equal([10UL, 20UL, 25UL], CommittedSteps(_ns));
        Assert.False(_ns.Exists("/jobs/llama/step-00000005"));
        Assert.False(_ns.Exists("/jobs/llama/step-00000015"));
    }

    [Fact]
    public async Task APendingStepIsCollectedOnlyWhenClosedAndIdleForTheGracePeriod()
    {
        _ns.CheckpointOptions.PendingGracePeriod = TimeSpan.FromSeconds(30);
        await SaveAsync(_ns, 1, ("a", 1));
        await _ns.Checkpoints.BeginAsync(Job, 2, owner: null);
        await WriteFileAsync(_ns, Pending(2, "rank-0.bin"), 10);
        var open = await WriteFileAsync(_ns, Pending(2, "rank-1.bin"), 10, holder: "dead-rank", close: false);

        _ns.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty((await _ns.Checkpoints.CollectAsync(Job)).PendingCollected);   // a file is still open

        Assert.True((await _ns.Fs.CompleteAsync(Pending(2, "rank-1.bin"), "dead-rank", open)).Completed);   // as lease recovery does
        _ns.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty((await _ns.Checkpoints.CollectAsync(Job)).PendingCollected);   // closed, but not idle long enough

        _ns.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([2UL], (await _ns.Checkpoints.CollectAsync(Job)).PendingCollected);
        Assert.False(_ns.Exists("/jobs/llama/.pending"));
        Assert.Equal(1UL, _ns.Checkpoints.List(Job).LatestStep);
    }

    [Fact]
    public async Task PendingStepsAreListedWithTheirOpenFiles()
    {
        await _ns.Checkpoints.BeginAsync(Job, 3, owner: null);
        await WriteFileAsync(_ns, Pending(3, "rank-1.bin"), 10, holder: "w1", close: false);

        var pending = Assert.Single(_ns.Checkpoints.List(Job).Checkpoints);

        Assert.Equal(CheckpointState.Pending, pending.State);
        Assert.Equal("/jobs/llama/.pending/step-00000003", pending.Path.Value);
        Assert.Contains("rank-1.bin open by w1", pending.Problem, StringComparison.Ordinal);
    }
}
