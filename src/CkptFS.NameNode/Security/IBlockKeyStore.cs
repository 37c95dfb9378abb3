namespace CkptFS.NameNode.Security;

/// <summary>Where <see cref="BlockTokenSecretManager"/> makes a new key set durable before it signs with it or hands it out.</summary>
public interface IBlockKeyStore
{
    /// <summary>Completes once <paramref name="keys"/> is durable (the NameNode's synced metadata batch); throws if it is not.</summary>
    Task SaveAsync(BlockKeySet keys, CancellationToken cancellationToken);
}
