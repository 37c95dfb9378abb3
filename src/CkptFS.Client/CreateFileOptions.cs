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
}
