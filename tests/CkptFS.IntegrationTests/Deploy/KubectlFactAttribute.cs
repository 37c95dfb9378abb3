namespace CkptFS.IntegrationTests.Deploy;

/// <summary>A test that renders manifests with kubectl; skipped, with the reason, where kubectl is missing.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (DeployTools.KubectlMissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
