namespace CkptFS.IntegrationTests.Deploy;

/// <summary>What a finished tool printed, and how it exited.</summary>
internal sealed record ToolResult(string Tool, int ExitCode, string Stdout, string Stderr)
{
    public ToolResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what}: {Path.GetFileName(Tool)} exited {ExitCode}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        return this;
    }
}
