namespace CkptFS.NameNode.Security;

/// <summary>Block access token settings (HDFS dfs.block.access.key.update.interval, dfs.block.access.token.lifetime).</summary>
public sealed class BlockTokenOptions
{
    /// <summary>How long a block key signs new tokens before the next one takes over: 10 h.</summary>
    public TimeSpan KeyUpdateInterval { get; set; } = TimeSpan.FromHours(10);

    /// <summary>How long an issued token is accepted: 10 h.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(10);

    public void Validate()
    {
        if (KeyUpdateInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting BlockTokens:KeyUpdateInterval = {KeyUpdateInterval}: expected a positive duration.");
        }
        if (TokenLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting BlockTokens:TokenLifetime = {TokenLifetime}: expected a positive duration.");
        }
    }
}
