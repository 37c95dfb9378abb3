namespace CkptFS.Client.BlockIO;

/// <summary>
/// Rebuilds the pipeline of a <see cref="BlockWriter"/> whose pipeline failed mid-block, so the block
/// goes on instead of the write failing. The writer calls it from the caller's own write, flush or
/// close (never concurrently); it asks the NameNode for a new generation stamp, then calls
/// <see cref="BlockWriter.ReconnectAsync"/> and <see cref="BlockWriter.ResendAsync"/>. A writer
/// without one (a DataNode's re-replication copy) fails on the first error instead.
/// </summary>
internal interface IPipelineRecovery
{
    /// <summary>Returns once the writer streams again on a rebuilt pipeline; throws when the block cannot go on.</summary>
    Task RecoverAsync(BlockWriter writer, BlockPipelineException failure, CancellationToken cancellationToken);
}
