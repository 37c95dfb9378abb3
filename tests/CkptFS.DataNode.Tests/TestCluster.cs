using System.Security.Cryptography;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.DataNode.Security;
using CkptFS.DataNode.Transfer;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.Tls;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// In-process DataNodes on 127.0.0.1: each a BlockStore over its own temp folder and a
/// DataTransferServer on a free port, all sharing one key ring with a test block key. With TLS, every
/// transfer port serves one certificate of a test CA, and the nodes dial their mirrors with that CA.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static long _nextBlockId = 1000;

    private readonly List<StoreFixture> _stores = [];
    private readonly List<DataTransferServer> _servers = [];
    private TempDirectory? _tlsFolder;

    private TestCluster(BlockKey key) => Key = key;

    /// <summary>The CA bundle of the transfer ports' certificate (null: cleartext).</summary>
    public string? CaFile { get; private set; }

    public BlockKey Key { get; }

    public TestLog Log { get; } = new();

    public IReadOnlyList<StoreFixture> Stores => _stores;

    public IReadOnlyList<DatanodeId> Nodes => [.. _servers.Select((server, i) =>
        new DatanodeId { DatanodeUuid = $"dn{i}", Host = "127.0.0.1", TransferPort = (uint)server.Port, TransferTls = server.ServesTls })];

    /// <param name="folders">Data folders per node (null: a fresh temp folder), e.g. a tmpfs for one node.</param>
    /// <param name="tls">Serve TLS on every transfer port with a certificate of this CA.</param>
    public static async Task<TestCluster> StartAsync(int dataNodes, TimeSpan? socketTimeout = null, Func<int, string?>? folders = null, TestCertificates? tls = null)
    {
        var key = new BlockKey { KeyId = 7, Key = Google.Protobuf.ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)), ExpiryMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() };
        var cluster = new TestCluster(key);
        var keys = new BlockKeyRing(TimeProvider.System);
        keys.Update([key]);
        CertificateReloader? certificates = null;
        if (tls is not null)
        {
            cluster._tlsFolder = new TempDirectory("ckptfs-dn-tls");
            var options = new TlsServerOptions { CertificateFile = cluster._tlsFolder.Combine("node.pem"), KeyFile = cluster._tlsFolder.Combine("node-key.pem") };
            tls.WriteServerPair(options.CertificateFile, options.KeyFile);
            cluster.CaFile = tls.WriteCa(cluster._tlsFolder.Combine("ca.pem"));
            certificates = CertificateReloader.Load(options, TimeProvider.System, NullLogger.Instance);
        }
        for (var i = 0; i < dataNodes; i++)
        {
            var store = folders?.Invoke(i) is { } folder ? new StoreFixture(folders: [folder]) : new StoreFixture();
            store.Options.BindAddress = "127.0.0.1";
            store.Options.TransferPort = 0;
            store.Options.SocketTimeout = socketTimeout ?? TimeSpan.FromSeconds(20);
            cluster._stores.Add(store);
            var server = new DataTransferServer(store.Options, store.Store, keys, cluster.Log, TimeProvider.System, certificates, DataTransferDialer.For(cluster.CaFile));
            cluster._servers.Add(server);
            await server.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        }

        return cluster;
    }

    /// <summary>A new block on the given nodes (all by default) with a token for <paramref name="modes"/>.</summary>
    public LocatedBlock NewBlock(IEnumerable<int>? nodes = null, AccessMode[]? modes = null, BlockKey? key = null)
    {
        var id = (ulong)Interlocked.Increment(ref _nextBlockId);
        var block = new LocatedBlock { Block = new ExtendedBlock { BlockId = id, GenerationStamp = 1 } };
        block.Locations.Add((nodes ?? Enumerable.Range(0, _servers.Count)).Select(i => Nodes[i]));
        block.Token = BlockTokens.Issue(key ?? Key, "test-client", new BlockId(id), modes ?? [AccessMode.Read, AccessMode.Write], DateTimeOffset.UtcNow.AddHours(1));
        return block;
    }

    /// <summary>A token for <paramref name="block"/> allowing <paramref name="modes"/>.</summary>
    public AccessToken Token(ExtendedBlock block, params AccessMode[] modes) =>
        BlockTokens.Issue(Key, "test-client", new BlockId(block.BlockId), modes, DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>Stops node <paramref name="node"/>'s data port as a crash would: its connections are cut, its files stay.</summary>
    public async Task KillAsync(int node) => await _servers[node].DisposeAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Node <paramref name="node"/> stops for a restart: new writes refused, those in flight drained within <paramref name="timeout"/>.</summary>
    public Task<int> DrainAsync(int node, TimeSpan timeout) => _servers[node].DrainAsync(timeout);

    /// <summary>The same block, re-addressed for reading (length known, replicas in the given order).</summary>
    public LocatedBlock ForRead(LocatedBlock written, ExtendedBlock finished)
    {
        var block = written.Clone();
        block.Block = finished;
        return block;
    }

    public static async Task<ExtendedBlock> WriteAsync(LocatedBlock block, byte[] data, BlockWriterOptions? options = null)
    {
        await using var writer = await BlockWriter.OpenAsync(block, "test-client", options ?? new BlockWriterOptions(), CancellationToken.None).WaitAsync(Timeout);
        await writer.WriteAsync(data, CancellationToken.None).AsTask().WaitAsync(Timeout);
        return await writer.CloseAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    /// <summary>A client writer of <paramref name="block"/> that wrote and hflushed <paramref name="data"/>: every replica holds it, rbw. Dispose it (or keep it writing).</summary>
    public static async Task<BlockWriter> WriteFlushedAsync(LocatedBlock block, ReadOnlyMemory<byte> data)
    {
        var writer = await BlockWriter.OpenAsync(block, "test-client", new BlockWriterOptions(), CancellationToken.None).WaitAsync(Timeout);
        await writer.WriteAsync(data, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(data.Length, await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout));
        return writer;
    }

    public static async Task<byte[]> ReadAsync(LocatedBlock block, int replica, long offset, long length, int bufferBytes = 100_000, BlockReaderOptions? options = null)
    {
        await using var reader = await BlockReader.OpenAsync(block, replica, offset, length, "test-client", options ?? new BlockReaderOptions(), CancellationToken.None).WaitAsync(Timeout);
        var result = new byte[length];
        var buffer = new byte[bufferBytes];
        var at = 0;
        while (true)
        {
            var read = await reader.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Timeout);
            if (read == 0)
            {
                break;
            }

            buffer.AsSpan(0, read).CopyTo(result.AsSpan(at));
            at += read;
        }

        Assert.Equal(length, at);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        foreach (var store in _stores)
        {
            store.Dispose();
        }
        _tlsFolder?.Dispose();
    }
}
