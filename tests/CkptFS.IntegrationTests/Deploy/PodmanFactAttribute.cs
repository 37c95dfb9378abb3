namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// A slow test that builds and runs the image with podman (minutes the first time: debootstrap of
/// the base, publish, build); skipped, with the reason, where podman is missing, or where no cached
/// local base exists and debootstrap cannot make one (it needs root).
/// </summary>
public sealed class PodmanFactAttribute : FactAttribute
{
    public PodmanFactAttribute()
    {
        if (DeployTools.PodmanMissingReason is { } reason)
        {
            Skip = reason;
        }
        else if (Environment.UserName != "root")
        {
            Skip = "the image test runs as root: debootstrap makes its base image, and podman's bridge networks here are rootful.";
        }
        else if (DeployTools.Which("debootstrap") is null)
        {
            Skip = "debootstrap is not installed (scripts/setup.sh installs it from Debian); it makes the image test's base image.";
        }
    }
}
