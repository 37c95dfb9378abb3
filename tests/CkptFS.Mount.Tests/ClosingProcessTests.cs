using System.Diagnostics;
using CkptFS.Mount.Handles;
using Xunit;

namespace CkptFS.Mount.Tests;

public sealed class ClosingProcessTests
{
    [Fact]
    public void ReadsFlagsAndExitCodeEvenWhenTheNameHasSpacesAndParentheses()
    {
        var fields = Enumerable.Range(3, 50).Select(i => i switch { 9 => "4194564", 52 => "9", _ => "0" });
        var stat = "1234 (a (weird) name) " + string.Join(' ', fields);
        Assert.Equal((4194564UL, 9), ClosingProcess.Parse(stat));
        Assert.Equal((4194564UL, 9), ClosingProcess.Parse(stat + "\n"));   // as /proc/TID/stat reads
        Assert.Null(ClosingProcess.Parse("garbage"));
    }

    [Fact]
    public void TheRealStatFileOfThisProcessParses()
    {
        var parsed = ClosingProcess.Parse(File.ReadAllText($"/proc/{Environment.ProcessId}/stat"));
        Assert.NotNull(parsed);
        Assert.Equal(0, parsed.Value.ExitCode);
    }

    [Fact]
    public void ALiveProcessIsNotExitingAndAMissingOneWasNotKilled()
    {
        Assert.False(ClosingProcess.WasKilled(Environment.ProcessId));
        Assert.False(ClosingProcess.WasKilled(0));
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit(10_000);
        Assert.False(ClosingProcess.WasKilled(process.Id));
    }
}
