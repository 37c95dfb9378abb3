using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CkptFS.DataNode.Security;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.Tls;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// The DataNode's data transfer port (HDFS's DataXceiverServer): accepts TCP connections on
/// BindAddress:TransferPort and serves one op per connection (WRITE_BLOCK, READ_BLOCK, TRANSFER_BLOCK,
/// and block recovery's INIT_REPLICA_RECOVERY and UPDATE_REPLICA_UNDER_RECOVERY) on its own task.
/// At most MaxConcurrentTransfers connections are served; more are closed at accept (the client tries
/// another replica). A connection that breaks the protocol or goes silent is closed with a warning;
/// the server goes on serving.
/// </summary>
public sealed class DataTransferServer : IAsyncDisposable
{
    private readonly DataNodeStorageOptions _options;
    private readonly TransferContext _context;
    private readonly ILogger<DataTransferServer> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, (Socket Socket, Task Task)> _connections = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnection;

    /// <param name="certificates">Serve TLS with these (null: cleartext).</param>
    /// <param name="dialer">How mirrors are dialled (null: cleartext only).</param>
    public DataTransferServer(DataNodeStorageOptions options, BlockStore.BlockStore store, BlockKeyRing keys, ILoggerFactory loggerFactory, TimeProvider time,
        CertificateReloader? certificates = null, DataTransferDialer? dialer = null)
    {
        options.Validate();
        _options = options;
        _logger = loggerFactory.CreateLogger<DataTransferServer>();
        _context = new TransferContext(options, store, keys, loggerFactory.CreateLogger<DataTransferConnection>(), time, certificates,
            dialer ?? DataTransferDialer.Cleartext, _stopping.Token);
        _slots = new SemaphoreSlim(options.MaxConcurrentTransfers, options.MaxConcurrentTransfers);
    }

    /// <summary>The bound port (the free port chosen when TransferPort is 0); valid after <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The port serves TLS.</summary>
    public bool ServesTls => _context.Certificates is not null;

    /// <summary>Connections being served now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Binds the port and starts accepting.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _listener = new TcpListener(IPAddress.Parse(_options.BindAddress), _options.TransferPort);
        _listener.Start(backlog: 512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        TransferLog.Started(_logger, _options.BindAddress, Port, ServesTls ? "TLS" : "cleartext", _options.MaxConcurrentTransfers, _options.SocketTimeout);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The first step of a stop for a restart: refuses new writes, waits for the writes in flight
    /// (and then for the connections open at that moment, reads included) within
    /// <paramref name="timeout"/>; what is left is cut by <see cref="DisposeAsync"/> (the writers'
    /// pipeline recovery and the readers' next replica cover it). Returns the connections still open.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan timeout)
    {
        var started = _context.Time.GetTimestamp();
        var writes = _context.Writes.Active;
        TransferLog.Draining(_logger, writes, _connections.Count, timeout);
        using var budget = new CancellationTokenSource(timeout, _context.Time);
        await WaitAsync(_context.Writes.Close(), budget.Token).ConfigureAwait(false);
        await WaitAsync(Task.WhenAll(_connections.Values.Select(connection => connection.Task)), budget.Token).ConfigureAwait(false);
        var left = _connections.Count;
        TransferLog.Drained(_logger, writes, _context.Time.GetElapsedTime(started), _context.Writes.Active, left);
        return left;
    }

    private static async Task WaitAsync(Task task, CancellationToken budget)
    {
        try
        {
            await task.WaitAsync(budget).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            // Out of time: the caller cuts what is left.
        }
    }

    /// <summary>Stops accepting, cuts every connection (writes in progress stay rbw) and waits for their tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var (_, connection) in _connections)
        {
            connection.Socket.Dispose();
        }

        await Task.WhenAll(_connections.Values.Select(connection => connection.Task)).ConfigureAwait(false);
        _listener?.Dispose();
        _slots.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException exception)
            {
                // A connection reset before accept completed, or descriptors ran out: log, breathe, go on.
                TransferLog.ConnectionClosed(_logger, "(accept)", exception.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (!_slots.Wait(0))
            {
                TransferLog.TooManyTransfers(_logger, socket.RemoteEndPoint?.ToString() ?? "?", _options.MaxConcurrentTransfers);
                socket.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnection);
            var task = Task.Run(() => ServeAsync(id, socket), CancellationToken.None);
            _connections[id] = (socket, task);
        }
    }

    private async Task ServeAsync(long id, Socket socket)
    {
        try
        {
            await new DataTransferConnection(_context, socket).RunAsync().ConfigureAwait(false);
        }
        finally
        {
            socket.Dispose();
            _slots.Release();
            // The entry is added just after the task starts; spin until it is there so it is not left behind.
            while (!_connections.TryRemove(id, out _) && !_stopping.IsCancellationRequested)
            {
                await Task.Yield();
            }
        }
    }
}
