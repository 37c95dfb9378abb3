namespace CkptFS.NameNode.Events;

/// <summary>One event of the ring: a sequence number (grows by one per event, never reused in a run), its time, kind, subject and a sentence.</summary>
public sealed record NameNodeEvent(long Sequence, DateTimeOffset Time, NameNodeEventKind Kind, string Subject, string Message);
