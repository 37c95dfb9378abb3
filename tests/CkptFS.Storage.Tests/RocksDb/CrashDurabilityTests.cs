using System.Globalization;
using CkptFS.Storage.RocksDb;
using CkptFS.Storage.Tests.Processes;
using CkptFS.TestTool;

namespace CkptFS.Storage.Tests.RocksDb;

/// <summary>
/// Kill -9 in the middle of synced writes: a child process writes records and prints "ack n" after
/// each write returns; we kill it after some acks and check that every acknowledged record (single
/// put or two-key batch) is in the reopened database with the right value, and that no batch is torn.
/// </summary>
public sealed class CrashDurabilityTests : IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(20);
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(150)]
    public async Task EveryAcknowledgedWriteSurvivesSigkill(int killAfterAcks)
    {
        var path = _directory.Combine("db");
        var lastAck = await RunWriterAndKillAsync(path, killAfterAcks);
        Assert.True(lastAck >= killAfterAcks - 1, $"only {lastAck + 1} acks before the kill");

        using var database = RocksDatabase.Open(path);
        for (var n = 0; n <= lastAck; n++)
        {
            var value = database.Get(RocksDbWriterRecords.Key(n));
            Assert.True(value is not null, $"acknowledged record {n} is missing after the kill");
            Assert.Equal(RocksDbWriterRecords.Value(n), value);
        }

        // Records past the last ack may or may not have landed; a batch must be whole either way.
        for (var n = 1; n <= lastAck + 4; n += 2)
        {
            Assert.Equal(database.Get(RocksDbWriterRecords.Key(n)), database.Get(RocksDbWriterRecords.TwinKey(n)));
        }
    }

    /// <summary>Starts the writer, reads acks until <paramref name="killAfterAcks"/>, SIGKILLs it; returns the last ack seen.</summary>
    private static async Task<int> RunWriterAndKillAsync(string path, int killAfterAcks)
    {
        using var writer = TestToolProcess.Start(RocksDbWriterCommand.Name, path, "1000000");
        var child = writer.Process;
        var lastAck = -1;
        while (lastAck + 1 < killAfterAcks)
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(_timeout);
            if (line is null)
            {
                Assert.Fail($"the writer exited after {lastAck + 1} acks: {await writer.StandardError.WaitAsync(_timeout)}");
            }

            lastAck = ParseAck(line, expected: lastAck + 1);
        }

        child.Kill(); // SIGKILL on Linux: no flush, no destructor, no atexit
        await child.WaitForExitAsync().WaitAsync(_timeout);

        // Acks the child printed between our decision and the kill count as acknowledged too.
        var rest = await child.StandardOutput.ReadToEndAsync().WaitAsync(_timeout);
        foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lastAck = ParseAck(line, expected: lastAck + 1);
        }

        return lastAck;
    }

    private static int ParseAck(string line, int expected)
    {
        Assert.StartsWith("ack ", line, StringComparison.Ordinal);
        var n = int.Parse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.Equal(expected, n);
        return n;
    }
}
