namespace CkptFS.DataNode.Scanner;

/// <summary>
/// The block scanner's state for operators: <see cref="PassBytes"/> of <see cref="PassTotalBytes"/>
/// (the finalized replicas when the pass began) verified in the pass under way, or in the last one
/// once it completed; times are Unix ms, 0 for never.
/// </summary>
public sealed record BlockScannerProgress(
    bool Enabled, long PassesCompleted, long PassBytes, long PassTotalBytes, long PassStartedMs, long LastPassCompletedMs,
    long BytesScanned, long CorruptFound, long BytesPerSecond);
