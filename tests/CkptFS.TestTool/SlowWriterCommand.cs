using System.Globalization;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Testing;

namespace CkptFS.TestTool;

/// <summary>
/// <c>slow-writer &lt;namenode&gt; &lt;path&gt; &lt;seed&gt; &lt;total-bytes&gt; &lt;flush-every&gt; &lt;pause-ms&gt; [replication] [block-size]</c>:
/// a training rank saving a shard, slowly enough for a test to kill (-9) or pause (SIGSTOP) it
/// mid-file. Writes <see cref="PatternData"/> of <c>seed</c> in 64 KiB writes with <c>pause-ms</c>
/// between them, hflushes every <c>flush-every</c> bytes and prints "flushed N" (N = bytes every
/// replica acknowledged and readers may see), then closes and prints "closed N". Any failure prints
/// "error CODE message" and exits 3: how a test sees that a fenced writer cannot go on.
/// </summary>
public static class SlowWriterCommand
{
    public const string Name = "slow-writer";
    public const string Usage = "slow-writer <namenode> <path> <seed> <total-bytes> <flush-every> <pause-ms> [replication] [block-size]";

    private const int WriteSize = 64 * 1024;

    public static int Run(string[] args)
    {
        if (args.Length is < 6 or > 8)
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }
        var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        var total = long.Parse(args[3], CultureInfo.InvariantCulture);
        var flushEvery = long.Parse(args[4], CultureInfo.InvariantCulture);
        var pause = TimeSpan.FromMilliseconds(int.Parse(args[5], CultureInfo.InvariantCulture));
        var create = new CreateFileOptions
        {
            Overwrite = true,
            Replication = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 0,
            BlockSizeBytes = args.Length > 7 ? long.Parse(args[7], CultureInfo.InvariantCulture) : 0,
        };
        try
        {
            // Renewing every second keeps the lease alive under the seconds-long soft limits the tests set.
            WriteAsync(new CkptFsClientOptions { NameNodeAddress = args[0], LeaseRenewInterval = TimeSpan.FromSeconds(1) }, args[1], seed, total, flushEvery, pause, create).GetAwaiter().GetResult();
            return 0;
        }
        catch (CkptFsException exception)
        {
            Console.Out.WriteLine($"error {exception.Code} {exception.Message}");
            return 3;
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or OperationCanceledException)
        {
            Console.Out.WriteLine($"error {exception.GetType().Name} {exception.Message}");
            return 3;
        }
    }

    private static async Task WriteAsync(CkptFsClientOptions options, string path, int seed, long total, long flushEvery, TimeSpan pause, CreateFileOptions create)
    {
        using var client = new CkptFsClient(options);
        Console.Out.WriteLine($"client {client.ClientName}");
        await using var output = await client.CreateAsync(path, create);
        var buffer = new byte[WriteSize];
        long written = 0, flushedAt = 0;
        while (written < total)
        {
            var count = (int)Math.Min(WriteSize, total - written);
            PatternData.Fill(seed, written, buffer.AsSpan(0, count));
            await output.WriteAsync(buffer.AsMemory(0, count));
            written += count;
            if (written - flushedAt >= flushEvery)
            {
                await output.FlushAsync();
                flushedAt = written;
                Console.Out.WriteLine($"flushed {written}");
            }
            await Task.Delay(pause);
        }
        await output.CloseAsync();
        Console.Out.WriteLine($"closed {written}");
    }
}
