using CkptFS.NameNode.Security;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// Block keys written through the group committer: one op in a synced metadata batch, like any
/// namespace mutation, so a rolled key set is durable before the NameNode uses it.
/// </summary>
public sealed class CommittedBlockKeyStore(GroupCommitter committer) : IBlockKeyStore
{
    public Task SaveAsync(BlockKeySet keys, CancellationToken cancellationToken) =>
        committer.SubmitAsync(context =>
        {
            context.Record(new MetadataOp.PutBlockKeys(keys));
            return true;
        }, cancellationToken);
}
