using CkptFS.Cli.Parsing;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>
/// `ckptfs bench ckpt`: one process saves the same in-memory checkpoint (SHARDS × SHARD-SIZE)
/// synchronously (the training loop waits for the upload and the commit), then with
/// <see cref="AsyncCheckpointSaver"/> --saves times in a row (it waits only for the copy), and prints
/// the times: the async stall against the full save is what a training loop gains. The saver's copy
/// memory is reserved first, as a training job does at start-up (--no-reserve to see the first save without).
/// </summary>
internal static class BenchCkptCommand
{
    public static Command Create()
    {
        var job = new Option<string>("--job") { Description = "Job directory to save into (deleted at the end).", DefaultValueFactory = _ => "/bench/ckpt" };
        var shards = new Option<int>("--shards") { Description = "Shards per checkpoint.", DefaultValueFactory = _ => 8 }.Within(1, 4096);
        var shardSize = new Option<string>("--shard-size") { Description = "Bytes per shard, e.g. 512M.", DefaultValueFactory = _ => "512M" };
        var parallel = CkptArguments.Parallel();
        var replication = CkptArguments.Replication();
        var saves = new Option<int>("--saves") { Description = "Async saves in a row (with --no-reserve the first copies into fresh memory; the next ones reuse it).", DefaultValueFactory = _ => 3 }.Within(1, 1000);
        var noReserve = new Option<bool>("--no-reserve") { Description = "Do not reserve the async saver's copy memory at start (its first save then copies into fresh pages)." };
        var command = new Command("ckpt", "Measure a checkpoint save from memory: synchronous, then async (the stall is the copy).") { job, shards, shardSize, parallel, replication, saves, noReserve };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var jobPath = result.GetRequiredValue(job);
            var count = result.GetValue(shards);
            var bytes = checked((int)SizeParser.Parse(result.GetRequiredValue(shardSize), "--shard-size"));
            var options = new CheckpointSaveOptions { ParallelShards = result.GetValue(parallel), Replication = result.GetValue(replication) };
            var buffers = Enumerable.Range(0, count).Select(i => Filled(bytes, i)).ToList();
            IReadOnlyList<ShardBuffer> shardBuffers = [.. buffers.Select((b, i) => new ShardBuffer($"rank-{i}.bin", b))];
            var total = (long)count * bytes;
            Console.WriteLine($"checkpoint of {count} × {ByteSize.Format(bytes)} = {ByteSize.Format(total)} from memory, {options.ParallelShards} shards at once, job {jobPath}");

            // Keep one checkpoint: a few saves of gigabytes with 3 replicas must not fill a test machine's disk.
            await client.MkdirsAsync(jobPath, createParents: true, cancellationToken: cancellationToken);
            await client.SetRetentionAsync(jobPath, new RetentionPolicy { KeepLast = 1 }, cancellationToken);
            await using var saver = new AsyncCheckpointSaver(client, jobPath, options);
            var started = Stopwatch.StartNew();
            if (!result.GetValue(noReserve))
            {
                // As a training job would at start-up, before its first (synchronous or async) save.
                await saver.ReserveAsync([.. buffers.Select(b => (long)b.Length)], cancellationToken);
                Console.WriteLine(Line("reserve the async saver's copy memory (once, at start)", started.Elapsed, total));
            }
            started.Restart();
            await CheckpointSaver.SaveAsync(client, jobPath, 1, shardBuffers, options: options, cancellationToken: cancellationToken);
            var sync = started.Elapsed;
            Console.WriteLine(Line("sync save (stall = whole save)", sync, total));

            for (var save = 1; save <= result.GetValue(saves); save++)
            {
                started.Restart();
                var handle = await saver.SaveAsync((ulong)save + 1, shardBuffers, cancellationToken: cancellationToken);
                var stall = started.Elapsed;
                await handle.WaitAsync(cancellationToken);
                var full = started.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"async save {save}: stall {stall.TotalSeconds:0.000} s (the copy, {total / 1048576.0 / stall.TotalSeconds:0} MiB/s), committed after {full.TotalSeconds:0.000} s: stall = {100 * stall / full:0.0}% of its full save, {100 * stall / sync:0.0}% of the sync save"));
            }
            await client.DeleteAsync(jobPath, recursive: true, cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>Incompressible-looking bytes without the cost of a random generator over gigabytes.</summary>
    private static byte[] Filled(int bytes, int seed)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(bytes);
        var block = Math.Min(bytes, 1 << 20);
        new Random(seed).NextBytes(buffer.AsSpan(0, block));
        for (var offset = block; offset < bytes; offset += block)
        {
            buffer.AsSpan(0, Math.Min(block, bytes - offset)).CopyTo(buffer.AsSpan(offset));
            buffer[offset] ^= (byte)(offset >> 20);
        }
        return buffer;
    }

    private static string Line(string what, TimeSpan elapsed, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} {elapsed.TotalSeconds:0.000} s ({bytes / 1048576.0 / elapsed.TotalSeconds:0.0} MiB/s)");
}
