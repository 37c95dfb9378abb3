using CkptFS.Common;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Tests;

public class GroupCommitTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task ConcurrentMutationsAreAllDurableAndGrouped()
    {
        await _ns.MkdirAsync("/p");
        const int count = 2000;
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(() => _ns.MkdirAsync($"/p/d{i}"))).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(count + 2, _ns.Fs.Current.InodeCount);
        // Group commit: fewer synced batches than mutations.
        Assert.True(_ns.Committer.GroupsCommitted < _ns.Committer.MutationsCommitted,
            $"{_ns.Committer.GroupsCommitted} groups for {_ns.Committer.MutationsCommitted} mutations");
        var ids = tasks.Select(t => t.Result.Inode.Id).ToHashSet();
        Assert.Equal(count, ids.Count);
        var before = _ns.Dump();
        _ns.Restart();
        Assert.Equal(before, _ns.Dump());
    }

    /// <summary>A NameNode stopping (SIGTERM) completes its group commit: what was queued is made durable and answered, not failed.</summary>
    [Fact]
    public async Task MutationsQueuedWhenTheCommitterStopsAreCommitted()
    {
        await _ns.MkdirAsync("/q");
        var tasks = Enumerable.Range(0, 500).Select(i => _ns.MkdirAsync($"/q/d{i}")).ToArray();
        _ns.Restart();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(500 + 2, _ns.Fs.Current.InodeCount);
    }

    [Fact]
    public async Task RacingCreatorsOfOnePathGetExactlyOneWinner()
    {
        var attempts = Enumerable.Range(0, 64).Select(i => Task.Run(() => _ns.CreateAsync("/contended", holder: $"client-{i}"))).ToArray();
        await Task.WhenAll(attempts.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, attempts.Count(t => t.IsCompletedSuccessfully));
        Assert.All(attempts.Where(t => t.IsFaulted), t => Assert.Equal(ErrorCode.LeaseHeldByOther, ((CkptFsException)t.Exception!.InnerException!).Code));
    }

    [Fact]
    public async Task AFailedMutationInAGroupLeavesNoTraceAndIdsAreNeverReused()
    {
        await _ns.MkdirAsync("/x");
        var maxIdBefore = MaxId();
        // A burst where every other mutation fails: the failures must not leave entries or burn durable state.
        var tasks = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? _ns.MkdirAsync($"/x/ok{i}") : _ns.MkdirAsync($"/missing{i}/child")).ToArray();
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(100, tasks.Count(t => t.IsCompletedSuccessfully));
        Assert.Equal(100 + 2, _ns.Fs.Current.InodeCount);
        _ns.Restart();
        Assert.Equal(100 + 2, _ns.Fs.Current.InodeCount);
        var created = await _ns.MkdirAsync("/after-restart");
        Assert.True(created.Inode.Id.Value > maxIdBefore + 100, "ids continue after the restart");
    }

    [Fact]
    public async Task AfterAnAcknowledgementEveryReaderSeesTheChange()
    {
        for (var i = 0; i < 200; i++)
        {
            await _ns.MkdirAsync($"/seen{i}");
            Assert.NotNull(_ns.Fs.Current.Find(FsPath.Parse($"/seen{i}")));
        }
    }

    private ulong MaxId() => _ns.Dump().Select(line => ulong.Parse(line.Split(' ')[2][3..], System.Globalization.CultureInfo.InvariantCulture)).Max();
}
