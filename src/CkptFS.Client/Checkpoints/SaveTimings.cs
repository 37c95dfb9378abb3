namespace CkptFS.Client.Checkpoints;

/// <summary>
/// How long a save took: <see cref="Blocking"/> is the time training was stalled by it (the C of
/// interval advice: the whole save when synchronous, only the in-memory copy when async),
/// <see cref="Total"/> from its start to the commit request. Recorded in the manifest.
/// </summary>
public sealed record SaveTimings(TimeSpan Blocking, TimeSpan Total);
