using System.Diagnostics.Metrics;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.V1;
using Prometheus;

namespace CkptFS.DataNode;

/// <summary>
/// The DataNode's metrics: one <see cref="Meter"/> per server, whose observable instruments read the
/// block store and the NameNode link when /metrics is scraped, each measurement tagged with the
/// node's id (<c>node</c>), published by prometheus-net's <see cref="MeterAdapter"/> into a registry
/// of this server alone. Tests run several DataNodes in one process: a shared registry
/// (prometheus-net's static default) would mix their series.
/// </summary>
/// <remarks>
/// prometheus-net names a series <c>meter_instrument</c> ("ckptfs.datanode" + "replicas" →
/// <c>ckptfs_datanode_replicas</c>) and turns each tag into a label.
/// </remarks>
internal sealed class DataNodeMetrics : IDisposable
{
    public const string MeterName = "ckptfs.datanode";

    private readonly Meter _meter = new(MeterName);
    private readonly IDisposable _adapter;
    private readonly KeyValuePair<string, object?> _node;

    // Cleared on Dispose: prometheus-net keeps every instrument it has seen in a static cache, and
    // the instruments keep their callbacks; cleared, a stopped server's block store is not held by them.
    private IReplicaCatalog? _store;
    private Func<bool>? _registered;

    public DataNodeMetrics(string nodeId, IReplicaCatalog store, Func<bool> registered)
    {
        _node = new("node", nodeId);
        _store = store;
        _registered = registered;
        Gauge("replicas", null, "Replicas held (finalized and being written).", () => _store?.ListReplicas().Count ?? 0);
        Gauge("used_bytes", "By", "Bytes of replicas on disk.", () => SumStorages(s => s.UsedBytes));
        Gauge("remaining_bytes", "By", "Free bytes usable for replicas.", () => SumStorages(s => s.RemainingBytes));
        Gauge("capacity_bytes", "By", "Capacity of the data folders' filesystems.", () => SumStorages(s => s.CapacityBytes));
        Gauge("transfers_in_progress", null, "Reads and writes being served.", () => _store?.TransfersInProgress ?? 0);
        Gauge("registered", null, "1 while registered with the NameNode.", () => _registered?.Invoke() == true ? 1 : 0);
        Registry = Metrics.NewCustomRegistry();
        // The process's CPU, memory, threads and GC counts: read per scrape, cheap.
        DotNetStats.Register(Registry);
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // Without it the adapter writes to the static default registry, whatever Registry says.
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = instrument => instrument.Meter == _meter,
        });
    }

    /// <summary>What /metrics serves.</summary>
    public CollectorRegistry Registry { get; }

    public void Dispose()
    {
        _adapter.Dispose();
        _meter.Dispose();
        _store = null;
        _registered = null;
    }

    private void Gauge(string name, string? unit, string description, Func<long> read) =>
        _meter.CreateObservableGauge(name, () => new Measurement<long>(read(), _node), unit, description);

    private long SumStorages(Func<StorageReport, ulong> bytes) =>
        _store?.GetStorageReports().Sum(storage => (long)bytes(storage)) ?? 0;
}
