using System.Diagnostics;
using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// A small file costs two NameNode mutations: Create with its first block, and Complete (which
/// waits for the pipeline's reports and can rename the file into place). Each shortcut must keep
/// the rules of the calls it replaces: retries across a restart, refusals that leave the file open.
/// </summary>
public sealed class SmallFileRoundTripTests : IDisposable
{
    private const string Holder = "client-a";
    private readonly NamespaceHarness _ns = new();

    public SmallFileRoundTripTests() => AddDatanodes();

    public void Dispose() => _ns.Dispose();

    private static FsPath P(string path) => FsPath.Parse(path);

    private static CreateFileRequest WithFirstBlock(string path, ulong callId = 0) =>
        new(P(path), Holder) { AllocateFirstBlock = true, CallId = callId };

    [Fact]
    public async Task CreateWithTheFirstBlockAllocatesItInTheSameMutation()
    {
        var created = await _ns.Fs.CreateFileAsync(WithFirstBlock("/f"));
        var first = Assert.IsType<AllocatedBlock>(created.FirstBlock);
        Assert.Equal(0, first.Offset);
        Assert.Equal(3, first.Targets.Select(t => t.Uuid).Distinct().Count());
        var file = (FileInode)created.Entry.Inode;
        Assert.True(file.IsUnderConstruction);
        Assert.Equal([first.Block], file.Blocks.ToArray());

        // The block is the file's like AddBlock's: the next AddBlock names it as previous.
        var done = first.Block with { NumBytes = 100 };
        _ns.Received("dn1", done);
        var second = await _ns.Fs.AddBlockAsync(P("/f"), Holder, done, new HashSet<string>(), clientHost: null);
        Assert.Equal(100, second.Offset);

        // Without the flag nothing is allocated.
        Assert.Null((await _ns.Fs.CreateFileAsync(new CreateFileRequest(P("/g"), Holder))).FirstBlock);
    }

    [Fact]
    public async Task ARetriedCreateWithTheFirstBlockGetsTheSameBlockAfterARestart()
    {
        var first = (await _ns.Fs.CreateFileAsync(WithFirstBlock("/f", callId: 7))).FirstBlock!;
        RestartOutOfSafeMode();

        var retried = await _ns.Fs.CreateFileAsync(WithFirstBlock("/f", callId: 7));
        Assert.Equal(first.Block, retried.FirstBlock!.Block);
        Assert.Single(((FileInode)retried.Entry.Inode).Blocks);
        Assert.Equal(3, retried.FirstBlock.Targets.Count);
        // A later call of the same client is not the retry.
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.Fs.CreateFileAsync(WithFirstBlock("/f", callId: 8)));
    }

    [Fact]
    public async Task AWriterWithNothingToWriteAbandonsTheFirstBlockAndClosesAnEmptyFile()
    {
        var first = (await _ns.Fs.CreateFileAsync(WithFirstBlock("/empty"))).FirstBlock!;
        await _ns.Fs.AbandonBlockAsync(P("/empty"), Holder, first.Block);
        var closed = await _ns.Fs.CompleteAsync(P("/empty"), Holder);
        Assert.True(closed.Completed);
        var file = (FileInode)_ns.Fs.GetFileInfo(P("/empty")).Inode;
        Assert.Empty(file.Blocks);
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public async Task CompleteWithRenameClosesAndMovesTheFileInOneCall()
    {
        var block = await WriteOneBlockAsync("/d/f._COPYING_");
        var result = await _ns.Fs.CompleteAsync(P("/d/f._COPYING_"), Holder, block, renameTo: P("/d/f"));
        Assert.True(result.Completed);
        Assert.Equal(P("/d/f"), result.Entry.Path);
        Assert.Null(_ns.Fs.Current.Find(P("/d/f._COPYING_")));
        var moved = (FileInode)_ns.Fs.GetFileInfo(P("/d/f")).Inode;
        Assert.False(moved.IsUnderConstruction);
        Assert.Equal(0, _ns.Leases.OpenFileCount);

        // The same Complete retried after a restart is answered at the destination.
        RestartOutOfSafeMode();
        _ns.Received("dn1", block);
        var retried = await _ns.Fs.CompleteAsync(P("/d/f._COPYING_"), Holder, block, renameTo: P("/d/f"));
        Assert.True(retried.Completed);
        Assert.Equal(moved.Id, retried.Entry.Inode.Id);
    }

    [Fact]
    public async Task ARefusedRenameFailsTheCompleteAndLeavesTheFileOpen()
    {
        await _ns.MkdirAsync("/d");
        await _ns.TouchAsync("/d/f");
        var block = await WriteOneBlockAsync("/d/f._COPYING_");
        var message = await FailsAsync(ErrorCode.FileAlreadyExists,
            () => _ns.Fs.CompleteAsync(P("/d/f._COPYING_"), Holder, block, renameTo: P("/d/f")));
        Assert.Contains("/d/f", message, StringComparison.Ordinal);
        var open = (FileInode)_ns.Fs.GetFileInfo(P("/d/f._COPYING_")).Inode;
        Assert.True(open.IsUnderConstruction);
        Assert.Equal(1, _ns.Leases.OpenFileCount);

        // With overwrite the move replaces the destination.
        var replaced = await _ns.Fs.CompleteAsync(P("/d/f._COPYING_"), Holder, block, renameTo: P("/d/f"), renameOverwrite: true);
        Assert.True(replaced.Completed);
        Assert.Equal(open.Id, _ns.Fs.GetFileInfo(P("/d/f")).Inode.Id);
    }

    [Fact]
    public async Task CompleteWaitsForTheLastBlocksReportInsteadOfAnsweringNotYet()
    {
        await _ns.CreateAsync("/f");
        var block = (await _ns.Fs.AddBlockAsync(P("/f"), Holder, null, new HashSet<string>(), clientHost: null)).Block with { NumBytes = 10 };
        var watch = Stopwatch.StartNew();
        var complete = _ns.Fs.CompleteAsync(P("/f"), Holder, block);
        await Task.Delay(100);
        Assert.False(complete.IsCompleted);
        _ns.Received("dn2", block);
        var result = await complete.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(result.Completed);
        Assert.True(watch.Elapsed < _ns.Options.CompleteWaitForReplicas, $"Complete took {watch.Elapsed} although the report came after 0.1 s.");
    }

    [Fact]
    public async Task CompleteWithoutReportsAnswersNotYetAfterItsWait()
    {
        using var ns = new NamespaceHarness(new NamespaceOptions { CompleteWaitForReplicas = TimeSpan.FromMilliseconds(200) });
        ns.AddDatanode("dn1");
        await ns.CreateAsync("/f");
        var block = (await ns.Fs.AddBlockAsync(P("/f"), Holder, null, new HashSet<string>(), clientHost: null)).Block with { NumBytes = 10 };
        var result = await ns.Fs.CompleteAsync(P("/f"), Holder, block).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result.Completed);
        Assert.True(((FileInode)result.Entry.Inode).IsUnderConstruction);
    }

    private async Task<FileBlock> WriteOneBlockAsync(string path)
    {
        var created = await _ns.Fs.CreateFileAsync(new CreateFileRequest(P(path), Holder, CreateParent: true) { AllocateFirstBlock = true });
        var block = created.FirstBlock!.Block with { NumBytes = 64 };
        _ns.Received("dn1", block);
        return block;
    }

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
