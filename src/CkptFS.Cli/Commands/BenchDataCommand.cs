using CkptFS.Cli.Parsing;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CkptFS.Cli.Transfers;
using CkptFS.Client;
using CkptFS.Common;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs bench data`: writes a generated file of --size through the whole data path, reads it back
/// verifying every byte against the pattern, and prints MiB/s and this client's peak RSS. `--phase`
/// splits write and read so a script can drop the page cache in between (scripts/bench-data.sh).
/// </summary>
internal static class BenchDataCommand
{
    private const int ChunkBytes = 4 * 1024 * 1024;

    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "Bytes to write, e.g. 4G.", DefaultValueFactory = _ => "4G" };
        var replication = new Option<int>("-r", "--replication") { Description = "Replicas per block.", DefaultValueFactory = _ => 3 }.Within(1, 512);
        var blockSize = new Option<string?>("--block-size") { Description = "Block size, e.g. 128M (default: the NameNode's)." };
        var path = new Option<string>("--path") { Description = "CkptFS file to write.", DefaultValueFactory = _ => "/bench/data" };
        var phase = new Option<string>("--phase") { Description = "write, read, or both (the file stays after write-only).", DefaultValueFactory = _ => "both" };
        phase.AcceptOnlyFromAmong("write", "read", "both");
        var command = new Command("data", "Measure write and read MiB/s of one large file through the data path.") { size, replication, blockSize, path, phase };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var bytes = SizeParser.Parse(result.GetRequiredValue(size), "--size");
            var file = result.GetRequiredValue(path);
            var which = result.GetRequiredValue(phase);
            var pattern = new byte[ChunkBytes];
            new Random(20261122).NextBytes(pattern);
            if (which is "write" or "both")
            {
                var options = new CreateFileOptions
                {
                    Overwrite = true,
                    Replication = result.GetValue(replication),
                    BlockSizeBytes = result.GetValue(blockSize) is { } b ? SizeParser.Parse(b, "--block-size") : 0,
                };
                var seconds = await WriteAsync(client, file, bytes, options, pattern, cancellationToken);
                Report("write", bytes, seconds, $"replication {options.Replication}");
            }
            if (which is "read" or "both")
            {
                var (read, seconds) = await ReadAsync(client, file, pattern, cancellationToken);
                Report("read", read, seconds, "every byte verified");
            }
            if (which == "both")
            {
                await client.DeleteAsync(file, cancellationToken: cancellationToken);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"client peak RSS: {PeakRssMiB():0} MiB"));
            return 0;
        });
        return command;
    }

    private static async Task<double> WriteAsync(CkptFsClient client, string file, long bytes, CreateFileOptions options, byte[] pattern, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using (var output = await client.CreateAsync(file, options, cancellationToken))
        {
            for (long written = 0; written < bytes;)
            {
                var count = (int)Math.Min(pattern.Length, bytes - written);
                await output.WriteAsync(pattern.AsMemory(0, count), cancellationToken);
                written += count;
            }
            await output.CloseAsync(cancellationToken);
        }
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<(long Bytes, double Seconds)> ReadAsync(CkptFsClient client, string file, byte[] pattern, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkBytes];
        var stopwatch = Stopwatch.StartNew();
        await using var input = await client.OpenAsync(file, cancellationToken);
        long total = 0;
        while (true)
        {
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await input.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                filled += read;
            }
            if (filled == 0)
            {
                break;
            }
            if (!buffer.AsSpan(0, filled).SequenceEqual(pattern.AsSpan(0, filled)))
            {
                throw new CkptFsException(ErrorCode.ChecksumMismatch, $"Bytes at offset {total} of {file} differ from what was written.");
            }
            total += filled;
        }
        return (total, stopwatch.Elapsed.TotalSeconds);
    }

    private static void Report(string phase, long bytes, double seconds, string detail) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase}: {bytes / seconds / (1024 * 1024):0.0} MiB/s  ({bytes / (1024.0 * 1024):0} MiB in {seconds:0.00} s, {detail})"));

    /// <summary>VmHWM: the most resident memory this process has had.</summary>
    internal static double PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }
}
