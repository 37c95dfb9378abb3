using CkptFS.Protocol.V1;

namespace CkptFS.Client.Streams;

/// <summary>
/// The NameNode's part in pipeline recovery: a new generation stamp for the block, then the commit of
/// the rebuilt pipeline. <see cref="CkptFsClient"/> in production; tests drive <see cref="PipelineRecovery"/>
/// against in-process DataNodes with a fake that hands out genstamps and tokens itself.
/// </summary>
internal interface IPipelineCoordinator
{
    /// <summary>A new generation stamp and WRITE token for <paramref name="block"/> (the file's last block, current genstamp); locations empty.</summary>
    Task<LocatedBlock> UpdateBlockForPipelineAsync(string path, ExtendedBlock block, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="additional"/> replacement DataNodes for a pipeline of <paramref name="existing"/>
    /// (never those nor <paramref name="excluded"/>): the locations are the existing nodes followed by the new ones, with a token.
    /// </summary>
    Task<LocatedBlock> GetAdditionalDatanodeAsync(string path, ExtendedBlock block, IReadOnlyList<DatanodeId> existing, IEnumerable<string> excluded, int additional,
        CancellationToken cancellationToken);

    /// <summary>Commits a rebuilt pipeline: <paramref name="newBlock"/> has the new genstamp and the bytes acknowledged; <paramref name="nodes"/> in pipeline order.</summary>
    Task UpdatePipelineAsync(string path, ExtendedBlock oldBlock, ExtendedBlock newBlock, IReadOnlyList<DatanodeId> nodes, CancellationToken cancellationToken);
}
