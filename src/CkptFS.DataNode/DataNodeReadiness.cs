using Link = CkptFS.DataNode.NameNodeLink.NameNodeLink;

namespace CkptFS.DataNode;

/// <summary>
/// What /readyz answers (a Kubernetes readiness probe; /healthz stays liveness): ready once the node
/// registered with the NameNode and its full block report was accepted (the NameNode knows every
/// replica here, so a rolling update may go on to the next pod), until it starts stopping.
/// </summary>
internal sealed class DataNodeReadiness(string nameNodeAddress)
{
    private volatile Link? _link;
    private volatile bool _stopping;

    /// <summary>Set once the link exists (it is created after the HTTP port, whose number it registers).</summary>
    public Link? Link
    {
        set => _link = value;
    }

    public void MarkStopping() => _stopping = true;

    /// <summary>Null when ready; else the one-line reason.</summary>
    public string? NotReadyReason() =>
        _stopping ? "stopping: in maintenance for a restart"
        : _link is not { IsRegistered: true } link ? $"not registered with the NameNode at {nameNodeAddress} yet"
        : !link.IsReported ? "registered; full block report not accepted yet"
        : null;
}
