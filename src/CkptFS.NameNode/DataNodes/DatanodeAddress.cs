namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// A DataNode's stable identity (uuid, kept in its data folder) and where it is reached now.
/// <see cref="Location"/> is a topology label such as "/zone-a/rack-1"; empty in the request means
/// <see cref="DefaultLocation"/>. <see cref="TransferTls"/>: its transfer port serves TLS (clients and
/// peers are told so with every location, and dial it with the cluster's CA bundle).
/// </summary>
public sealed record DatanodeAddress(string Uuid, string Host, int TransferPort, int HttpPort, int RpcPort, string Location, bool TransferTls = false)
{
    public const string DefaultLocation = "/default";

    public override string ToString() => $"{Uuid} ({Host}:{TransferPort}, {Location})";
}
