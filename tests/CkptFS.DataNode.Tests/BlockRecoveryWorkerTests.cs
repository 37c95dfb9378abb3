using System.Collections.Concurrent;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.DataNode.Recovery;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Microsoft.Extensions.Logging;
using RecoveryCommand = CkptFS.Protocol.V1.RecoverBlocksCommand.Types.Recovery;

namespace CkptFS.DataNode.Tests;

/// <summary>Block recovery led by a primary DataNode: INIT on every replica, the plan, UPDATE, CommitBlockSynchronization.</summary>
public sealed class BlockRecoveryWorkerTests
{
    private static readonly DatanodeId Dead = new() { DatanodeUuid = "dn-dead", Host = "127.0.0.1", TransferPort = 1 };

    [Fact]
    public async Task A_recover_command_on_a_heartbeat_ends_in_a_commit_of_the_shortest_verified_length()
    {
        await using var nodes = await DataNodes.StartAsync(3);
        var data = StoreFixture.RandomBytes(12_000, seed: 500);
        var block = new ExtendedBlock { BlockId = 5000, GenerationStamp = 1 };
        // dn0: a live client writer (10_000 bytes acknowledged); dn1: 7000 bytes, writer gone;
        // dn2: 9000 bytes whose chunk 13 [6656, 7168) rotted on disk, so only 6656 bytes verify.
        var located = new LocatedBlock { Block = block, Token = nodes.Token(block, AccessMode.Write), Locations = { nodes.Ids[0] } };
        await using var writer = await TestCluster.WriteFlushedAsync(located, data.AsMemory(0, 10_000));
        StoreFixture.WriteRbw(nodes.Servers[1].Store, block, data.AsSpan(0, 7000));
        StoreFixture.WriteRbw(nodes.Servers[2].Store, block, data.AsSpan(0, 9000));
        ReplicaRecoveryTests.CorruptByte(nodes.Servers[2].Store, block.BlockId, offset: 6700);
        nodes.NameNode.CommitFailures = 1;

        var recovery = new RecoveryCommand { Block = block, NewGenerationStamp = 1005, Token = nodes.Token(block, AccessMode.Recover), Replicas = { nodes.Ids, Dead } };
        nodes.NameNode.Send("dn1", new DatanodeCommand { Recover = new RecoverBlocksCommand { Recoveries = { recovery } } });
        var commit = await nodes.NameNode.NextCommitAsync();

        Assert.Equal(("dn1", 5000ul, 1ul, 1005ul, 6656ul, true, false),
            (commit.DatanodeUuid, commit.Block.BlockId, commit.Block.GenerationStamp, commit.NewGenerationStamp, commit.NewLength, commit.CloseFile, commit.DeleteBlock));
        Assert.Equal(["dn0", "dn1", "dn2"], commit.NewTargets.Order());
        Assert.Equal(2, nodes.NameNode.CommitCalls); // the first answer was UNAVAILABLE: retried
        var recovered = new ExtendedBlock { BlockId = 5000, GenerationStamp = 1005 };
        foreach (var server in nodes.Servers)
        {
            Assert.Equal((ReplicaState.Finalized, 1005ul, 6656ul), StoreFixture.StateOf(server.Store.Find(new BlockId(5000))));
            using var input = server.Store.OpenForRead(recovered);
            Assert.Equal(data[..6656], StoreFixture.ReadAll(input)); // byte-identical, every checksum verifies
        }

        // dn0's client was cut off by the recovery.
        await Assert.ThrowsAsync<BlockPipelineException>(async () =>
        {
            await writer.WriteAsync(data.AsMemory(10_000), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
            await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
        });
        Assert.True(nodes.Log.Contains(LogLevel.Warning, "127.0.0.1:1 failed (Unavailable), that replica is left out"));
        nodes.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_finalized_replica_fixes_the_length_and_shorter_replicas_are_left_out()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes(6000, seed: 501);
        var block = cluster.NewBlock([0]);
        await TestCluster.WriteAsync(block, data.AsMemory(0, 5000).ToArray());
        StoreFixture.WriteRbw(cluster.Stores[1].Store, block.Block, data);
        StoreFixture.WriteRbw(cluster.Stores[2].Store, block.Block, data.AsSpan(0, 4000));

        var (commit, _) = await RecoverAsync(cluster, block.Block, recoveryId: 9, cluster.Nodes);

        Assert.Equal((5000ul, false), (commit!.NewLength, commit.DeleteBlock));
        Assert.Equal(["dn0", "dn1"], commit.NewTargets.Order());
        using (var input = cluster.Stores[1].Store.OpenForRead(new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 9 }))
        {
            Assert.Equal(data[..5000], StoreFixture.ReadAll(input));
        }

        Assert.Equal((ReplicaState.Rbw, 1ul, 4000ul), StoreFixture.StateOf(cluster.Stores[2].Store.Find(new BlockId(block.Block.BlockId))));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Replicas_without_a_byte_drop_the_block_and_no_answer_commits_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var empty = cluster.NewBlock();
        StoreFixture.WriteRbw(cluster.Stores[0].Store, empty.Block, []);
        StoreFixture.WriteRbw(cluster.Stores[1].Store, empty.Block, []);

        var (commit, _) = await RecoverAsync(cluster, empty.Block, recoveryId: 3, cluster.Nodes);

        Assert.Equal((true, 0ul, 0), (commit!.DeleteBlock, commit.NewLength, commit.NewTargets.Count));
        var (none, commits) = await RecoverAsync(cluster, cluster.NewBlock().Block, recoveryId: 4, [.. cluster.Nodes, Dead]);
        Assert.Null(none);
        Assert.Empty(commits);
        Assert.True(cluster.Log.Contains(LogLevel.Warning, "not committed: no replica answered"));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public void The_plan_takes_the_shortest_verified_length_and_stops_when_finalized_lengths_disagree()
    {
        static (DatanodeId, ReplicaRecoveryInfo) Answer(string node, ulong verified, bool finalized = false) =>
            (new DatanodeId { DatanodeUuid = node }, new ReplicaRecoveryInfo { VerifiedLength = verified, BytesOnDisk = verified + 100, Finalized = finalized });

        var plan = RecoveryPlan.Choose([Answer("a", 900), Answer("b", 0), Answer("c", 700)], out _);
        Assert.Equal((700L, false), (plan!.NewLength, plan.DeleteBlock));
        Assert.Equal(["a", "c"], plan.Keep.Select(node => node.DatanodeUuid));
        Assert.Null(RecoveryPlan.Choose([Answer("a", 900, finalized: true), Answer("b", 800, finalized: true)], out var reason));
        Assert.Contains("disagree", reason, StringComparison.Ordinal);
        Assert.Null(RecoveryPlan.Choose([], out _));
    }

    /// <summary>Runs one recovery with a primary whose commits are only recorded.</summary>
    private static async Task<(CommitBlockSynchronizationRequest? Commit, ConcurrentQueue<CommitBlockSynchronizationRequest> Commits)> RecoverAsync(
        TestCluster cluster, ExtendedBlock block, ulong recoveryId, IEnumerable<DatanodeId> replicas)
    {
        var commits = new ConcurrentQueue<CommitBlockSynchronizationRequest>();
        await using var worker = new BlockRecoveryWorker(new BlockRecoveryOptions { ReplicaCallTimeout = TimeSpan.FromSeconds(20) }, "dn0",
            (request, _) => { commits.Enqueue(request); return Task.CompletedTask; }, cluster.Log.For<BlockRecoveryWorker>());
        var recovery = new RecoveryCommand { Block = block, NewGenerationStamp = recoveryId, Token = cluster.Token(block, AccessMode.Recover), Replicas = { replicas } };
        var commit = await worker.RecoverAsync(recovery, CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.Equal(commit is null ? 0 : 1, commits.Count);
        return (commit, commits);
    }

    /// <summary>Whole DataNodes (store, data port, NameNode link, recovery worker) registered with a <see cref="FakeNameNode"/>.</summary>
    private sealed class DataNodes : IAsyncDisposable
    {
        private readonly BlockKey _key;
        private readonly List<TempDirectory> _folders = [];

        private DataNodes(BlockKey key, FakeNameNode nameNode)
        {
            _key = key;
            NameNode = nameNode;
        }

        public TestLog Log { get; } = new();

        public FakeNameNode NameNode { get; private set; }

        public List<DataNodeServer> Servers { get; } = [];

        public IReadOnlyList<DatanodeId> Ids => [.. Servers.Select(server => server.Id)];

        public static async Task<DataNodes> StartAsync(int count)
        {
            var key = new BlockKey { KeyId = 9, Key = Google.Protobuf.ByteString.CopyFrom(new byte[32].Select((_, i) => (byte)i).ToArray()), ExpiryMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() };
            var nodes = new DataNodes(key, null!);
            nodes.NameNode = await FakeNameNode.StartAsync(key, nodes.Log);
            for (var i = 0; i < count; i++)
            {
                var folder = new TempDirectory("ckptfs-dn");
                nodes._folders.Add(folder);
                var options = new DataNodeOptions
                {
                    NodeId = $"dn{i}",
                    HttpPort = -1,
                    Storage = { DataFolders = [folder.Path], BindAddress = "127.0.0.1", TransferPort = 0, SocketTimeout = TimeSpan.FromSeconds(20) },
                    NameNode =
                    {
                        NameNodeAddress = nodes.NameNode.Address,
                        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
                        IncrementalReportDelay = TimeSpan.FromMilliseconds(20),
                        ReconnectBackoffInitial = TimeSpan.FromMilliseconds(50),
                        ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
                    },
                    Scanner = { Enabled = false },
                };
                nodes.Servers.Add(await DataNodeServer.StartAsync(options, nodes.Log, TimeProvider.System, CancellationToken.None).WaitAsync(TestCluster.Timeout));
            }

            await PipelineTests.WaitUntilAsync(() => nodes.NameNode.Heartbeating.Count == count);
            return nodes;
        }

        public AccessToken Token(ExtendedBlock block, AccessMode mode) =>
            BlockTokens.Issue(_key, "test", new BlockId(block.BlockId), [mode], DateTimeOffset.UtcNow.AddHours(1));

        public async ValueTask DisposeAsync()
        {
            foreach (var server in Servers)
            {
                await server.DisposeAsync().AsTask().WaitAsync(TestCluster.Timeout);
            }

            await NameNode.DisposeAsync();
            foreach (var folder in _folders)
            {
                folder.Dispose();
            }
        }
    }
}
