namespace CkptFS.Common.Faults;

/// <summary>The I/O error a <see cref="FaultAction.Throw"/> fault point raises.</summary>
public sealed class FaultInjectedException(FaultPoint point) : IOException($"Injected fault at {point}.")
{
    public FaultPoint Point { get; } = point;
}
