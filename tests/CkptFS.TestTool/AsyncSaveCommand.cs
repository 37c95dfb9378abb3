using System.Globalization;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Common;
using CkptFS.Common.Faults;
using CkptFS.Testing;

namespace CkptFS.TestTool;

/// <summary>
/// <c>async-save &lt;namenode&gt; &lt;job&gt; &lt;step&gt; &lt;shards&gt; &lt;shard-bytes&gt;</c>: a training process
/// saving a checkpoint with <see cref="AsyncCheckpointSaver"/>: shard i holds <see cref="PatternData"/>
/// of seed i. Prints "copied STALL_MS" when the save call returns (its buffers are then
/// overwritten, as training would), then "committed STEP" once the handle completes. Fault points
/// come from CKPTFS_FAULTS (e.g. a delay at ClientBeforeCheckpointCommit keeps it between the two
/// for a test to kill). Any failure prints "error CODE message" and exits 3.
/// </summary>
public static class AsyncSaveCommand
{
    public const string Name = "async-save";
    public const string Usage = "async-save <namenode> <job> <step> <shards> <shard-bytes>";

    public static int Run(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }
        FaultPoints.ArmFromEnvironment();
        try
        {
            SaveAsync(args[0], args[1], ulong.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
                int.Parse(args[4], CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
            return 0;
        }
        catch (CkptFsException exception)
        {
            Console.Out.WriteLine($"error {exception.Code} {exception.Message}");
            return 3;
        }
    }

    private static async Task SaveAsync(string nameNode, string job, ulong step, int shards, int shardBytes)
    {
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = nameNode, LeaseRenewInterval = TimeSpan.FromSeconds(1) });
        var buffers = Enumerable.Range(0, shards).Select(i => PatternData.Bytes(i, 0, shardBytes)).ToList();
        await using var saver = new AsyncCheckpointSaver(client, job);
        var handle = await saver.SaveAsync(step, [.. buffers.Select((bytes, i) => new ShardBuffer($"rank-{i}.bin", bytes))]);
        Console.Out.WriteLine($"copied {handle.Stall.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}");
        foreach (var buffer in buffers)
        {
            buffer.AsSpan().Fill(0xEE);   // training goes on and overwrites its tensors
        }
        var committed = await handle.WaitAsync();
        Console.Out.WriteLine($"committed {committed.Step}");
    }
}
