using System.Diagnostics.Metrics;
using CkptFS.NameNode.Audit;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using Prometheus;

namespace CkptFS.NameNode.Http;

/// <summary>
/// The NameNode's metrics: one <see cref="Meter"/> per server, whose observable instruments read the
/// namespace and the group committer when /metrics is scraped, published by prometheus-net's
/// <see cref="MeterAdapter"/> into a registry of this server alone. Tests run several NameNodes in
/// one process: a shared registry (prometheus-net's static default) would mix their series.
/// </summary>
/// <remarks>
/// prometheus-net names a series <c>meter_instrument</c> ("ckptfs.namenode" + "inodes" →
/// <c>ckptfs_namenode_inodes</c>), so the instrument names carry the Prometheus suffixes
/// (<c>_total</c>) that keep the series names of earlier releases. It exports every instrument,
/// counters included, with <c># TYPE gauge</c>; the counters' values still only grow.
/// </remarks>
internal sealed class NameNodeMetrics : IDisposable
{
    public const string MeterName = "ckptfs.namenode";

    private readonly Meter _meter = new(MeterName);
    private readonly IDisposable _adapter;

    // Cleared on Dispose: prometheus-net keeps every instrument it has seen in a static cache, and
    // the instruments keep their callbacks; cleared, a stopped server's namespace is not held by them.
    private FsNamespace? _fs;
    private GroupCommitter? _committer;
    private DatanodeManager? _datanodes;
    private ReplicationMonitor? _replication;
    private AuditLog? _audit;

    public NameNodeMetrics(FsNamespace fs, GroupCommitter committer, DatanodeManager datanodes, ReplicationMonitor replication, AuditLog? audit = null)
    {
        _audit = audit;
        _fs = fs;
        _committer = committer;
        _datanodes = datanodes;
        _replication = replication;
        _meter.CreateObservableGauge("inodes", () => _fs?.Current.InodeCount ?? 0,
            description: "Files and directories in the namespace.");
        _meter.CreateObservableCounter("mutations_committed_total", () => _committer?.MutationsCommitted ?? 0,
            description: "Namespace mutations made durable.");
        _meter.CreateObservableCounter("commit_groups_total", () => _committer?.GroupsCommitted ?? 0,
            description: "Synced metadata batches (group commits).");
        _meter.CreateObservableCounter("commit_sync_seconds_total", () => (_committer?.SyncMicrosecondsTotal ?? 0) / 1e6, unit: "s",
            description: "Time spent writing synced metadata batches.");
        _meter.CreateObservableGauge("datanodes", DatanodesByState,
            description: "Registered DataNodes by state (live, stale, in_maintenance, dead).");
        _meter.CreateObservableCounter("replication_transfers_scheduled_total", () => _replication?.TransfersScheduled ?? 0,
            description: "Block copies scheduled by the replication monitor (re-replication).");
        _meter.CreateObservableCounter("audit_written_total", () => _audit?.Written ?? 0,
            description: "Audit log lines written.");
        _meter.CreateObservableCounter("audit_dropped_total", () => _audit?.Dropped ?? 0,
            description: "Audit events lost: the writer's queue was full (a call never waits for its line) or a write failed.");
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

    /// <summary>One measurement per state, every state present (0 when none), labelled state="live" and so on.</summary>
    private IEnumerable<Measurement<int>> DatanodesByState()
    {
        var counts = _datanodes?.GetAll().CountBy(n => n.State).ToDictionary() ?? [];
        return Enum.GetValues<DatanodeLiveness>().Select(state =>
            new Measurement<int>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", StateLabel(state))));
    }

    private static string StateLabel(DatanodeLiveness state) => state switch
    {
        DatanodeLiveness.InMaintenance => "in_maintenance",
        _ => state.ToString().ToLowerInvariant(),
    };

    public void Dispose()
    {
        _adapter.Dispose();
        _meter.Dispose();
        _fs = null;
        _committer = null;
        _datanodes = null;
        _replication = null;
        _audit = null;
    }
}
