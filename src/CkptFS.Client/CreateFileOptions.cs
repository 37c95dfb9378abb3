namespace CkptFS.Client;

/// <summary>How <see cref="CkptFsClient.CreateAsync"/> creates a file; 0 means the NameNode's default.</summary>
public sealed record CreateFileOptions
{
    /// <summary>Replace an existing closed file.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Create missing parent directories.</summary>
    public bool CreateParents { get; init; } = true;

    /// <summary>Replicas per block (0: the NameNode's default, 3).</summary>
    public int Replication { get; init; }

    /// <summary>Block size in bytes (0: the NameNode's default, 128 MiB).</summary>
    public long BlockSizeBytes { get; init; }

    /// <summary>
    /// The caller has data to write: the NameNode allocates the first block with the create, one
    /// round trip and one metadata sync less per file (what makes a folder of small files fast).
    /// A stream closed without a byte written gives the block back before it completes.
    /// </summary>
    public bool AllocateFirstBlock { get; init; }

    /// <summary>
    /// Once closed, the file moves to this path in the same NameNode step as its close (put's
    /// NAME._COPYING_ → NAME): readers never see the final name before the file is whole. The move
    /// follows rename's rules (<see cref="RenameOnCloseOverwrite"/> to replace a file there); a refused
    /// move fails the close and leaves the file open under its own path.
    /// </summary>
    public string? RenameOnClose { get; init; }

    /// <summary>With <see cref="RenameOnClose"/>: replace a closed file at that path.</summary>
    public bool RenameOnCloseOverwrite { get; init; }
}
