using System.CommandLine;
using System.Runtime.InteropServices;
using CkptFS.Client;
using CkptFS.Common.Logging;
using CkptFS.DataNode;
using Microsoft.Extensions.Configuration;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs datanode`: runs a DataNode until SIGTERM/SIGINT, then stops for a restart: it enters
/// maintenance on the NameNode, drains its writes and sends its last report (DataNodeServer.StopForRestartAsync), and exits 0. Settings come from the config file's
/// "DataNode" section, then CKPTFS_DATANODE__* environment variables, then flags. Once serving it
/// prints "DataNode listening: transfer=HOST:PORT http=HOST:PORT id=ID" on stdout, for scripts.
/// </summary>
internal static class DataNodeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data folders, comma-separated (one per disk)." };
        var port = new Option<int?>("--port") { Description = "Data transfer port (default 9866; 0 picks a free one)." };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP port for /healthz, /readyz and /metrics (default 9864; 0 picks a free one; -1 off)." };
        var bind = new Option<string?>("--bind") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces)." };
        var advertise = new Option<string?>("--advertise-host") { Description = "Host name clients use to reach this node (default: the bind address, or the host name)." };
        var id = new Option<string?>("--id") { Description = "Node id for a new data folder (default: a random UUID; kept in the folder)." };
        var location = new Option<string?>("--location") { Description = "Topology label /zone/rack that replica placement spreads over." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate: serve the HTTP port over HTTPS (with --tls-key); re-read when the file changes (Tls:CertificateFile)." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert (Tls:KeyFile)." };
        var config = new Option<string?>("--config") { Description = "JSON config file with a \"DataNode\" section." };
        var logFormat = new Option<LogFormat>("--log-format") { Description = "Log lines as text or json (default: text, or $CKPTFS_LOG_FORMAT)." };
        var command = new Command("datanode", "Run a DataNode: stores checksummed block replicas and streams them.")
        {
            data, port, httpPort, bind, advertise, id, location, tlsCert, tlsKey, config, logFormat,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = LoadOptions(result.GetValue(config));
            if (result.GetValue(data) is { } folders)
            {
                options.Storage.DataFolders = folders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            }
            options.Storage.TransferPort = result.GetValue(port) ?? options.Storage.TransferPort;
            options.Storage.BindAddress = result.GetValue(bind) ?? options.Storage.BindAddress;
            options.HttpPort = result.GetValue(httpPort) ?? options.HttpPort;
            options.AdvertisedHost = result.GetValue(advertise) ?? options.AdvertisedHost;
            options.NodeId = result.GetValue(id) ?? options.NodeId;
            options.Location = result.GetValue(location) ?? options.Location;
            options.Tls.CertificateFile = result.GetValue(tlsCert) ?? options.Tls.CertificateFile;
            options.Tls.KeyFile = result.GetValue(tlsKey) ?? options.Tls.KeyFile;
            options.NameNode.NameNodeAddress = result.GetValue(CliOptions.NameNode) is { Length: > 0 } address ? address
                : options.NameNode.NameNodeAddress.Length > 0 ? options.NameNode.NameNodeAddress
                : new CkptFsClientOptions().NameNodeAddress;
            options.NameNode.TlsCaFile = result.GetValue(CliOptions.TlsCa) is { Length: > 0 } caFile ? caFile
                : options.NameNode.TlsCaFile is { Length: > 0 } configured ? configured
                : new CkptFsClientOptions().TlsCaFile;
            if (options.Storage.DataFolders.Count == 0)
            {
                throw new ArgumentException("Give the DataNode at least one data folder (--data DIR[,DIR2...]).");
            }
            using var loggerFactory = LogSetup.CreateFactory(result.GetValue(logFormat));
            await RunAsync(options, loggerFactory, cancellationToken);
            return 0;
        });
        return command;
    }

    private static DataNodeOptions LoadOptions(string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        var configuration = builder.AddEnvironmentVariables("CKPTFS_").Build();
        // Flags and the config file default to loopback, as the NameNode does; a cluster passes --bind.
        var options = new DataNodeOptions { Storage = { BindAddress = "127.0.0.1" } };
        configuration.GetSection("DataNode").Bind(options);
        return options;
    }

    private static async Task RunAsync(DataNodeOptions options, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        await using var server = await DataNodeServer.StartAsync(options, loggerFactory, TimeProvider.System, stop.Token);
        var http = server.Id.HttpPort == 0 ? "off" : $"{server.Id.Host}:{server.Id.HttpPort}";
        Console.WriteLine($"DataNode listening: transfer={server.Id.Host}:{server.TransferPort} http={http} id={server.Id.DatanodeUuid}");
        await Console.Out.FlushAsync(stop.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // SIGTERM / Ctrl-C: a clean stop for a restart (maintenance, drain, last report), then dispose.
        }
        await server.StopForRestartAsync();
    }
}
