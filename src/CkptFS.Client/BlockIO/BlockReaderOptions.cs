namespace CkptFS.Client.BlockIO;

/// <summary>Settings of one block read.</summary>
public sealed class BlockReaderOptions
{
    /// <summary>Longest wait to connect to the DataNode: 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the response and for each packet (dfs.client.socket-timeout): 60 s.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Times a stream asks the NameNode for fresh locations of a block no replica could serve
    /// (dfs.client.max.block.acquire.failures): 3. A NameNode that just restarted knows no replica
    /// until the DataNodes report again, a few seconds; the first ask is at once, the next after
    /// <see cref="BlockAcquireBackoff"/> times the attempt, with jitter.
    /// </summary>
    public int BlockAcquireRetries { get; set; } = 3;

    /// <summary>The back-off step between asks for fresh locations (dfs.client.retry.window.base, 3 s there): 2 s.</summary>
    public TimeSpan BlockAcquireBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The CA bundle (PEM) DataNodes whose transfer port serves TLS are checked against; null: such
    /// DataNodes are refused (TlsMismatch). A CkptFsClient fills it from its own TlsCaFile when unset.
    /// </summary>
    public string? TlsCaFile { get; set; }

    public void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting {nameof(ConnectTimeout)} = {ConnectTimeout}: expected > 0.", nameof(ConnectTimeout));
        }

        if (ReadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting {nameof(ReadTimeout)} = {ReadTimeout}: expected > 0.", nameof(ReadTimeout));
        }

        if (BlockAcquireRetries < 0 || BlockAcquireBackoff < TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting {nameof(BlockAcquireRetries)} = {BlockAcquireRetries}, {nameof(BlockAcquireBackoff)} = {BlockAcquireBackoff}: expected >= 0.", nameof(BlockAcquireRetries));
        }
    }
}
