using System.Text.Json;
using CkptFS.Common;
using CkptFS.NameNode.Audit;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ckptfs-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task EveryEventIsOneJsonLineInOrderWithTheErrorOnlyWhenRefused()
    {
        var path = Path.Combine(_folder, "logs", "audit.log");   // the folder is created
        var time = new DateTimeOffset(2026, 12, 5, 9, 12, 3, 114, TimeSpan.Zero);
        await using (var log = new AuditLog(path, 16, NullLogger<AuditLog>.Instance))
        {
            log.Record(new AuditEvent(time, "alice", "127.0.0.1:50412", "Rename", "/a", "/b", ErrorCode.None));
            log.Record(new AuditEvent(time, null, "127.0.0.1:50413", "Mkdirs", "/a", null, ErrorCode.FileAlreadyExists));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(
            """{"time":"2026-12-05T09:12:03.114Z","user":"alice","client":"127.0.0.1:50412","cmd":"Rename","src":"/a","dst":"/b","allowed":true}""",
            lines[0]);
        Assert.Equal(
            """{"time":"2026-12-05T09:12:03.114Z","user":null,"client":"127.0.0.1:50413","cmd":"Mkdirs","src":"/a","dst":null,"allowed":false,"error":"FileAlreadyExists","code":1003}""",
            lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task ARestartAppendsAndCountsWhatItWrote()
    {
        var path = Path.Combine(_folder, "audit.log");
        for (var run = 0; run < 2; run++)
        {
            await using var log = new AuditLog(path, 1024, NullLogger<AuditLog>.Instance);
            for (var i = 0; i < 100; i++)
            {
                log.Record(new AuditEvent(DateTimeOffset.UtcNow, "u", "c", "GetFileInfo", $"/f{i}", null, ErrorCode.None));
            }
            await WaitAsync(() => log.Written + log.Dropped == 100);
            Assert.Equal(0, log.Dropped);
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(200, lines.Length);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public void SourceAndDestinationComeFromTheRequestsFields()
    {
        Assert.Equal(("/a", "/b"), AuditPaths.Of(new RenameRequest { Source = "/a", Destination = "/b" }));
        Assert.Equal(("/f._COPYING_", "/f"), AuditPaths.Of(new CompleteRequest { Path = "/f._COPYING_", RenameTo = "/f" }));
        Assert.Equal(("/f", null), AuditPaths.Of(new CompleteRequest { Path = "/f" }));
        Assert.Equal(("/jobs/a", null), AuditPaths.Of(new CommitCheckpointRequest { Job = "/jobs/a" }));
        Assert.Equal((null, null), AuditPaths.Of(new GetDatanodeReportRequest()));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The audit writer did not catch up within 10 s.");
            await Task.Delay(10);
        }
    }
}
