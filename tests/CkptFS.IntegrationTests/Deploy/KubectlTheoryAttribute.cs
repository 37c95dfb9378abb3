namespace CkptFS.IntegrationTests.Deploy;

/// <summary>A theory that renders manifests with kubectl; skipped, with the reason, where kubectl is missing.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (DeployTools.KubectlMissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
