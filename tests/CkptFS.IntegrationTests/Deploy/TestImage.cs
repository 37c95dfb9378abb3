namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// The image the podman tests run, built once per test run by deploy/image/build.sh on the local
/// debootstrap base (cached between runs by build.sh, in /var/cache/ckptfs/image): every test that
/// needs it awaits the same build.
/// </summary>
internal static class TestImage
{
    public const string Tag = "localhost/ckptfs:test";
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(9);
    private static readonly Lazy<Task<ToolResult>> s_build = new(BuildAsync);

    /// <summary>build.sh's result ("image ... size N bytes"); throws when the build failed.</summary>
    public static Task<ToolResult> EnsureBuiltAsync() => s_build.Value;

    private static async Task<ToolResult> BuildAsync()
    {
        var build = await DeployTools.RunAsync(Path.Combine(DeployTools.DeployDirectory, "image", "build.sh"), ["--local-base", "--tag", Tag], s_buildTimeout);
        return build.EnsureSuccess("deploy/image/build.sh --local-base");
    }
}
