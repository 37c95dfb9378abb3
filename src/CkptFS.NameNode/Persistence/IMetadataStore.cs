namespace CkptFS.NameNode.Persistence;

/// <summary>
/// The NameNode's durable metadata. <see cref="Commit"/> writes one atomic batch and returns only
/// once it is on disk (synced WAL); <see cref="Load"/> reads back everything committed.
/// </summary>
public interface IMetadataStore : IDisposable
{
    /// <summary>Reads the whole image; formats an empty namespace on first use.</summary>
    MetadataImage Load();

    /// <summary>Applies the ops atomically and durably; throws on any failure (nothing applied).</summary>
    void Commit(IReadOnlyList<MetadataOp> ops);
}
