using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The durability rule: a mutation becomes visible only after its batch is on disk. The real
/// RocksDB store is wrapped so that a test can hold a commit at the door and look inside.
/// </summary>
public class VisibilityTests
{
    [Fact]
    public async Task AMutationIsInvisibleUntilItsBatchIsDurable()
    {
        using var directory = new TempDirectory();
        using var store = new GatedStore(new RocksMetadataStore(directory.Combine("metadata")));
        using var committer = new GroupCommitter(store, store.Load(), TimeProvider.System, NullLogger<GroupCommitter>.Instance);
        var fs = NamespaceHarness.NewNamespace(committer, TimeProvider.System);

        store.Gate.Reset();
        var mkdir = fs.MkdirsAsync(FsPath.Parse("/held"), createParent: false);
        Assert.True(store.Entered.Wait(TimeSpan.FromSeconds(10)), "the commit reached the store");
        Assert.Null(fs.Current.Find(FsPath.Parse("/held")));
        Assert.False(mkdir.IsCompleted);

        store.Gate.Set();
        await mkdir.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(fs.Current.Find(FsPath.Parse("/held")));
    }

    [Fact]
    public async Task AFailedStoreFailsTheCallersAndStopsMutations()
    {
        using var directory = new TempDirectory();
        using var store = new GatedStore(new RocksMetadataStore(directory.Combine("metadata")));
        using var committer = new GroupCommitter(store, store.Load(), TimeProvider.System, NullLogger<GroupCommitter>.Instance);
        var faulted = new TaskCompletionSource<Exception>();
        committer.Faulted += e => faulted.TrySetResult(e);
        var fs = NamespaceHarness.NewNamespace(committer, TimeProvider.System);

        store.FailNext = new IOException("No space left on device");
        var error = await Assert.ThrowsAsync<CkptFsException>(() => fs.MkdirsAsync(FsPath.Parse("/a"), false).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ErrorCode.StorageFailure, error.Code);
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        await faulted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(fs.Current.Find(FsPath.Parse("/a")));
        await Assert.ThrowsAsync<CkptFsException>(() => fs.MkdirsAsync(FsPath.Parse("/b"), false).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>The real store, with a gate before each commit and an optional failure (as a full disk gives).</summary>
    private sealed class GatedStore(IMetadataStore inner) : IMetadataStore
    {
        public ManualResetEventSlim Gate { get; } = new(true);

        public ManualResetEventSlim Entered { get; } = new(false);

        public Exception? FailNext { get; set; }

        public MetadataImage Load() => inner.Load();

        public void Commit(IReadOnlyList<MetadataOp> ops)
        {
            Entered.Set();
            Gate.Wait(TimeSpan.FromSeconds(30));
            if (FailNext is { } failure)
            {
                FailNext = null;
                throw failure;
            }
            inner.Commit(ops);
        }

        public void Dispose()
        {
            inner.Dispose();
            Gate.Dispose();
            Entered.Dispose();
        }
    }
}
