namespace CkptFS.Common.Faults;

/// <summary>What an armed fault point does when hit.</summary>
public enum FaultAction
{
    /// <summary>SIGKILL to this process: no finally blocks, no flushes, as a power cut or `kill -9`.</summary>
    Crash,

    /// <summary>Throws <see cref="FaultInjectedException"/> (an IOException), as a failed disk or socket.</summary>
    Throw,

    /// <summary>Sleeps for the rule's delay, as a slow disk or a paused process.</summary>
    Delay,
}
