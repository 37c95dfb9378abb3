using CkptFS.Common;
using CkptFS.Storage.Tests.Files;
using CkptFS.Storage.Tests.Processes;
using CkptFS.TestTool;
using CkptFS.Testing;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksDbDiskFullTests
{
    /// <summary>
    /// In a child process, so that whatever RocksDB does after a write error cannot take the test host
    /// down (see <see cref="RocksDbFillCommand"/>).
    /// </summary>
    [TmpfsFact]
    public async Task AFullDiskSurfacesAsDiskFull()
    {
        using var disk = TmpfsMount.Create(sizeKiB: 1024);
        using var fill = TestToolProcess.Start(RocksDbFillCommand.Name, Path.Combine(disk.Path, "db"));

        var output = await fill.Process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await fill.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var stderr = await fill.StandardError.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(output.StartsWith("error ", StringComparison.Ordinal), $"stdout: {output} stderr: {stderr}");
        Assert.StartsWith($"error {ErrorCode.DiskFull} ", output, StringComparison.Ordinal);
        Assert.Contains("No space left on device", output, StringComparison.Ordinal);
    }
}
