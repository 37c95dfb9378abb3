using System.Globalization;
using System.Text;
using CkptFS.DataNode.BlockStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CkptFS.DataNode;

/// <summary>The DataNode's HTTP endpoints: liveness and Prometheus metrics.</summary>
internal static class DataNodeHttpRoutes
{
    public static void Map(IEndpointRouteBuilder routes, string nodeId, BlockStore.BlockStore store, Func<bool> registered)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        routes.MapGet("/metrics", () => Results.Text(Metrics(nodeId, store, registered()), "text/plain; version=0.0.4"));
    }

    private static string Metrics(string nodeId, IReplicaCatalog store, bool registered)
    {
        var storages = store.GetStorageReports();
        var text = new StringBuilder();
        void Write(string name, string type, string help, double value) =>
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name}{{node=\"{nodeId}\"}} {value}\n");
        Write("ckptfs_datanode_replicas", "gauge", "Replicas held (finalized and being written).", store.ListReplicas().Count);
        Write("ckptfs_datanode_used_bytes", "gauge", "Bytes of replicas on disk.", storages.Sum(s => (double)s.UsedBytes));
        Write("ckptfs_datanode_remaining_bytes", "gauge", "Free bytes usable for replicas.", storages.Sum(s => (double)s.RemainingBytes));
        Write("ckptfs_datanode_capacity_bytes", "gauge", "Capacity of the data folders' filesystems.", storages.Sum(s => (double)s.CapacityBytes));
        Write("ckptfs_datanode_transfers_in_progress", "gauge", "Reads and writes being served.", store.TransfersInProgress);
        Write("ckptfs_datanode_registered", "gauge", "1 while registered with the NameNode.", registered ? 1 : 0);
        return text.ToString();
    }
}
