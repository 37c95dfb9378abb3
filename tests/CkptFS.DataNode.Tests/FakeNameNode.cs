using System.Collections.Concurrent;
using System.Threading.Channels;
using CkptFS.Common;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// The DatanodeProtocol side that real DataNodes need, on an RpcServerHost on 127.0.0.1: it registers
/// them (handing out the test block key), takes their reports, answers heartbeats with the commands a
/// test queued for a node, holds their Connect streams, and records CommitBlockSynchronization requests
/// (the first <see cref="CommitFailures"/> are answered UNAVAILABLE, as by a restarting NameNode). It is
/// not the NameNode: it decides nothing.
/// </summary>
internal sealed class FakeNameNode : DatanodeProtocol.DatanodeProtocolBase, IAsyncDisposable
{
    private readonly BlockKey _key;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DatanodeCommand>> _commands = new();
    private readonly Channel<CommitBlockSynchronizationRequest> _commits = Channel.CreateUnbounded<CommitBlockSynchronizationRequest>();
    private RpcServerHost? _host;
    private int _commitCalls;

    private FakeNameNode(BlockKey key) => _key = key;

    public string Address => _host!.Address;

    /// <summary>Nodes that heartbeated: registered, with the block keys in their key rings.</summary>
    public ConcurrentDictionary<string, bool> Heartbeating { get; } = new();

    /// <summary>How many commits to refuse with UNAVAILABLE before accepting one.</summary>
    public int CommitFailures { get; set; }

    public int CommitCalls => Volatile.Read(ref _commitCalls);

    public static async Task<FakeNameNode> StartAsync(BlockKey key, TestLog log)
    {
        var fake = new FakeNameNode(key);
        var services = new RpcServices().Add(fake, DatanodeProtocol.Descriptor.FullName);
        var options = new RpcServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(1) };
        fake._host = await RpcServerHost.StartAsync(options, services, log, CancellationToken.None).WaitAsync(TestCluster.Timeout);
        return fake;
    }

    /// <summary>Queues <paramref name="command"/> for the next heartbeat of node <paramref name="uuid"/>.</summary>
    public void Send(string uuid, DatanodeCommand command) => _commands.GetOrAdd(uuid, _ => new()).Enqueue(command);

    /// <summary>The next accepted CommitBlockSynchronization request.</summary>
    public async Task<CommitBlockSynchronizationRequest> NextCommitAsync() => await _commits.Reader.ReadAsync().AsTask().WaitAsync(TestCluster.Timeout);

    public bool HasCommit => _commits.Reader.Count > 0;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().AsTask().WaitAsync(TestCluster.Timeout);
        }
    }

    public override Task<RegisterDatanodeResponse> Register(RegisterDatanodeRequest request, ServerCallContext context)
    {
        return Task.FromResult(new RegisterDatanodeResponse { ClusterId = "test", BlockKeys = { _key } });
    }

    public override Task<BlockReportResponse> BlockReport(BlockReportRequest request, ServerCallContext context) =>
        Task.FromResult(new BlockReportResponse());

    public override Task<IncrementalBlockReportResponse> IncrementalBlockReport(IncrementalBlockReportRequest request, ServerCallContext context) =>
        Task.FromResult(new IncrementalBlockReportResponse());

    public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        Heartbeating[request.DatanodeUuid] = true;
        var response = new HeartbeatResponse { BlockKeys = { _key } };
        if (_commands.TryGetValue(request.DatanodeUuid, out var queue))
        {
            while (queue.TryDequeue(out var command))
            {
                response.Commands.Add(command);
            }
        }

        return Task.FromResult(response);
    }

    public override async Task Connect(ConnectRequest request, IServerStreamWriter<ConnectEvent> stream, ServerCallContext context)
    {
        await stream.WriteAsync(new ConnectEvent(), context.CancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The DataNode closed its stream, or the server is stopping.
        }
    }

    public override Task<CommitBlockSynchronizationResponse> CommitBlockSynchronization(CommitBlockSynchronizationRequest request, ServerCallContext context)
    {
        if (Interlocked.Increment(ref _commitCalls) <= CommitFailures)
        {
            throw new CkptFsException(ErrorCode.Unavailable, "The NameNode is restarting (injected by the test).");
        }

        _commits.Writer.TryWrite(request);
        return Task.FromResult(new CommitBlockSynchronizationResponse());
    }
}
