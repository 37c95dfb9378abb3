using CkptFS.Common;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Creates a file under construction, owned by <see cref="CreateFileRequest.Holder"/> until
    /// <see cref="CompleteAsync"/>. An existing closed file is replaced only with Overwrite; a file
    /// being written by another holder is never replaced (single writer). The same Create retried
    /// after a NameNode restart (same holder and call id, nothing written since) answers the file it made.
    /// </summary>
    public async Task<NamespaceEntry> CreateAsync(CreateFileRequest request, CancellationToken cancellationToken = default) =>
        (await CreateFileAsync(request, cancellationToken)).Entry;

    /// <summary>
    /// <see cref="CreateAsync"/>, and with <see cref="CreateFileRequest.AllocateFirstBlock"/> the file's
    /// first block allocated in the same mutation (as AddBlock's), so a small file costs one
    /// round trip and one sync less.
    /// </summary>
    public async Task<CreatedFile> CreateFileAsync(CreateFileRequest request, CancellationToken cancellationToken = default)
    {
        var path = request.Path;
        if (path.IsRoot)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, "Cannot create a file at /: it is the root directory.");
        }
        if (string.IsNullOrWhiteSpace(request.Holder))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot create {path}: no holder (client name) given.");
        }
        var replication = ValidateReplication(path, request.Replication);
        var blockSize = ValidateBlockSize(path, request.BlockSizeBytes);
        var mode = PermissionOrDefault(request.Permission, DefaultFilePermission);
        var owner = OwnerOrDefault(request.Owner);
        _blocks.ThrowIfSafeMode($"create {path}");
        await TakeOverAbandonedAsync(request, cancellationToken);
        return await _committer.SubmitAsync(context =>
        {
            var parentPath = path.Parent;
            if (request.CreateParent)
            {
                EnsureDirectories(context, parentPath, DefaultDirectoryPermission, owner);
            }
            var parent = RequireParentDirectory(context.Tree, parentPath, path);
            var inodeCountDelta = 1;
            if (parent.Children.TryGetValue(path.Name, out var existing) && IsRetriedCreate(existing, request))
            {
                LogRetryAnswered("Create", path, request.Holder, "the file it created");
                var made = (FileInode)existing;
                return new CreatedFile(new NamespaceEntry(path, made),
                    made.LastBlock is { } first ? AnswerRetriedAddBlock(context, path, made, first, EmptyExclusions, request.ClientHost) : null);
            }
            if (existing is not null)
            {
                RequireReplaceable(path, existing, request);
                context.Delete(existing.Id);
                RemoveFilesOnCommit(context, existing);
                inodeCountDelta = 0;
            }
            var file = new FileInode(context.AllocateInodeId(), parent.Id, path.Name, context.NowMs, context.NowMs, owner, parent.Group, mode,
                replication, blockSize, request.Holder, Blocks: []) { LastCallId = request.CallId };
            context.Put(file);
            var before = context.Tree;
            context.Tree = context.Tree.WithChild(parentPath, file, inodeCountDelta, context.NowMs);
            VerifyQuotas(before, context.Tree, path, $"create {path}");
            context.PutDirectory(parentPath);
            context.OnCommitted(() => _leases.Add(request.Holder, file.Id, path));
            if (!request.AllocateFirstBlock)
            {
                return new CreatedFile(new NamespaceEntry(path, file), null);
            }
            var allocated = AllocateBlock(context, path, file, EmptyExclusions, request.ClientHost, request.CallId);
            return new CreatedFile(new NamespaceEntry(path, context.Tree.Get(path)), allocated);
        }, cancellationToken);
    }

    private static readonly IReadOnlySet<string> EmptyExclusions = new HashSet<string>();

    /// <summary>
    /// Closes a file under construction; only its holder may (HDFS completeFile).
    /// <paramref name="last"/> is the file's last block as the writer finished it (null for a file
    /// without blocks); its length is recorded either way. The file closes only when every block
    /// has <see cref="BlockManagerOptions.MinReplication"/> finalized replicas reported; until then
    /// the result says <c>Completed = false</c>, the file stays open, and the writer retries with
    /// back-off (the DataNodes' incremental reports are on their way). The last block's reports are
    /// first awaited here for up to <see cref="NamespaceOptions.CompleteWaitForReplicas"/>.
    /// With <paramref name="renameTo"/>, the closed file moves there in the same mutation (Rename's
    /// rules; a refused move fails the call and leaves the file open under <paramref name="path"/>).
    /// </summary>
    public async Task<CompleteResult> CompleteAsync(FsPath path, string holder, FileBlock? last = null, CancellationToken cancellationToken = default,
        FsPath? renameTo = null, bool renameOverwrite = false)
    {
        _blocks.ThrowIfSafeMode($"complete {path}");
        if (last is { } lastBlock && _options.CompleteWaitForReplicas > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_options.CompleteWaitForReplicas);
            await _blocks.WaitForFinalizedAsync(lastBlock.Id, _blocks.Options.MinReplication, wait.Token);
            cancellationToken.ThrowIfCancellationRequested();
        }
        return await _committer.SubmitAsync(context =>
        {
            if (IsRetriedComplete(context.Tree, path, last) is { } closed)
            {
                LogRetryAnswered("Complete", path, holder, "the closed file");
                return new CompleteResult(new NamespaceEntry(path, closed), true);
            }
            if (renameTo is { } moved && context.Tree.Find(path) is null && IsRetriedComplete(context.Tree, moved, last) is { } closedAndMoved)
            {
                LogRetryAnswered("Complete", path, holder, $"the file closed and moved to {moved}");
                return new CompleteResult(new NamespaceEntry(moved, closedAndMoved), true);
            }
            var open = RequireWriter(context.Tree, path, holder, "complete");
            var file = WithReportedLastBlock(path, open, last, "complete");
            var ready = file.Blocks.All(b => _blocks.CountFinalizedReplicas(b.Id) >= _blocks.Options.MinReplication);
            if (ready)
            {
                file = file with { LeaseHolder = string.Empty, LastCallId = 0, ModificationTimeMs = context.NowMs, AccessTimeMs = context.NowMs };
            }
            if (!ReferenceEquals(file, open))
            {
                context.Put(file);
                context.Tree = context.Tree.WithReplaced(path, file);
                if (file.LastBlock is { } lastBlock)
                {
                    context.OnCommitted(() => _blocks.UpdateBlock(lastBlock, complete: ready));
                }
                if (ready)
                {
                    context.OnCommitted(() => _leases.Remove(file.Id));
                }
            }
            if (ready && renameTo is { } destination)
            {
                return new CompleteResult(Rename(context, path, destination, renameOverwrite), true);
            }
            return new CompleteResult(new NamespaceEntry(path, file), ready);
        }, cancellationToken);
    }

    /// <summary>
    /// A create over a file another client left open (HDFS recoverLeaseInternal): once that client's
    /// soft limit has passed, lease recovery starts and the create fails with the transient
    /// <see cref="ErrorCode.RecoveryInProgress"/> until the recovery closed the file (the SDK retries);
    /// a file that could be closed at once (nothing to recover) is simply replaced. A live writer's
    /// file is refused in the mutation (<see cref="RequireReplaceable"/>).
    /// </summary>
    private async Task TakeOverAbandonedAsync(CreateFileRequest request, CancellationToken cancellationToken)
    {
        if (Current.Find(request.Path) is not FileInode { IsUnderConstruction: true } open
            || string.Equals(open.LeaseHolder, request.Holder, StringComparison.Ordinal)
            || !(IsRecoveryHolder(open.LeaseHolder) || _leases.IsSoftLimitExpired(open.LeaseHolder)))
        {
            return;
        }
        if (!await StartLeaseRecoveryAsync(new OpenFile(open.Id, request.Path, open.LeaseHolder), $"create by {request.Holder}", cancellationToken))
        {
            throw new CkptFsException(ErrorCode.RecoveryInProgress,
                $"Cannot create {request.Path} yet: it was left open by {open.LeaseHolder}, whose lease expired; lease recovery is closing it. Try again in a few seconds.");
        }
    }

    /// <summary>
    /// A Create that already happened: its answer was lost (a NameNode restart emptied the retry
    /// cache) and the client asks again. The file is still open by the same holder, its latest call
    /// is this one (so nothing, not even an AddBlock, followed it), and it has no blocks (or only the
    /// empty first block the Create allocated).
    /// </summary>
    private static bool IsRetriedCreate(Inode existing, CreateFileRequest request) =>
        existing is FileInode file && file.IsLastCall(request.Holder, request.CallId)
        && (file.Blocks.IsEmpty || (request.AllocateFirstBlock && file.Blocks is [{ NumBytes: 0 }]));

    /// <summary>
    /// A Complete that already happened (HDFS-3031): the file is closed and its last block is the one
    /// the writer names, same id and genstamp (none for a file without blocks). A file that lease
    /// recovery closed has a newer genstamp, and a file created anew other blocks, so neither matches.
    /// </summary>
    private static FileInode? IsRetriedComplete(NamespaceTree tree, FsPath path, FileBlock? last)
    {
        if (tree.Find(path) is not FileInode { IsUnderConstruction: false } file)
        {
            return null;
        }
        var matches = (file.LastBlock, last) switch
        {
            (null, null) => true,
            ({ } actual, { } named) => actual.Id == named.Id && actual.GenerationStamp == named.GenerationStamp && actual.NumBytes == named.NumBytes,
            _ => false,
        };
        return matches ? file : null;
    }

    private void RequireReplaceable(FsPath path, Inode existing, CreateFileRequest request)
    {
        if (existing is not FileInode file)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot create {path}: a directory exists there.");
        }
        if (file.IsUnderConstruction && !string.Equals(file.LeaseHolder, request.Holder, StringComparison.Ordinal))
        {
            throw new CkptFsException(ErrorCode.LeaseHeldByOther, $"Cannot create {path}: {_leases.Describe(file.LeaseHolder)}.");
        }
        if (!request.Overwrite)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot create {path}: it already exists (use overwrite, -f, to replace it).");
        }
    }

    private static FileInode RequireFile(NamespaceTree tree, FsPath path) =>
        tree.Get(path) as FileInode
        ?? throw new CkptFsException(ErrorCode.IsADirectory, $"{path} is a directory, not a file.");

    private int ValidateReplication(FsPath path, int replication)
    {
        if (replication == 0)
        {
            return _options.DefaultReplication;
        }
        if (replication < 1 || replication > _options.MaxReplication)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot create {path}: replication {replication} is outside 1..{_options.MaxReplication}.");
        }
        return replication;
    }

    private long ValidateBlockSize(FsPath path, long blockSize)
    {
        if (blockSize == 0)
        {
            return _options.DefaultBlockSizeBytes;
        }
        if (blockSize < _options.MinBlockSizeBytes || blockSize > _options.MaxBlockSizeBytes || blockSize % _options.BytesPerChecksum != 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot create {path}: block size {blockSize} must be {_options.MinBlockSizeBytes}..{_options.MaxBlockSizeBytes} bytes and a multiple of {_options.BytesPerChecksum}.");
        }
        return blockSize;
    }
}
