using Xunit;

namespace CkptFS.Testing;

/// <summary>A test that needs <see cref="TmpfsMount"/>; skipped, with the reason, where mounting is not permitted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsMount.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
