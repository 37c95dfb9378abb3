namespace CkptFS.Client.BlockIO;

/// <summary>Settings of one block read.</summary>
public sealed class BlockReaderOptions
{
    /// <summary>Longest wait to connect to the DataNode: 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the response and for each packet (dfs.client.socket-timeout): 60 s.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

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
    }
}
