namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// A job's retention policy: keep the newest <see cref="KeepLast"/> committed checkpoints and every
/// step that is a multiple of <see cref="KeepEvery"/> (0 turns a rule off; both 0 keeps everything).
/// Whatever the policy, the newest intact checkpoint is kept, so resume always finds one.
/// </summary>
public sealed record CheckpointRetention(int KeepLast, int KeepEvery)
{
    public static readonly CheckpointRetention KeepAll = new(0, 0);

    public bool IsKeepAll => KeepLast == 0 && KeepEvery == 0;

    /// <summary>
    /// The steps to delete among <paramref name="steps"/> (every checkpoint of the job that still has
    /// its directory) given the newest intact one, <paramref name="newestIntact"/>, which is never
    /// chosen. Pure: the same input always gives the same answer.
    /// </summary>
    public IReadOnlyList<ulong> SelectDeletions(IReadOnlyCollection<ulong> steps, ulong? newestIntact)
    {
        if (IsKeepAll)
        {
            return [];
        }
        var ordered = steps.Order().ToList();
        var keepFrom = KeepLast > 0 ? Math.Max(0, ordered.Count - KeepLast) : ordered.Count;
        var deletions = new List<ulong>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var step = ordered[i];
            var kept = i >= keepFrom
                || (KeepEvery > 0 && step % (ulong)KeepEvery == 0)
                || step == newestIntact;
            if (!kept)
            {
                deletions.Add(step);
            }
        }
        return deletions;
    }

    public override string ToString() => IsKeepAll
        ? "keep all"
        : string.Join(", ", new[]
        {
            KeepLast > 0 ? $"keep the last {KeepLast}" : null,
            KeepEvery > 0 ? $"keep every {KeepEvery}th step" : null,
        }.Where(s => s is not null));
}
