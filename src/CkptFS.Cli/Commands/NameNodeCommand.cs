using System.CommandLine;
using System.Runtime.InteropServices;
using CkptFS.Common.Logging;
using CkptFS.NameNode;
using Microsoft.Extensions.Configuration;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs namenode`: runs the NameNode until SIGTERM/SIGINT. Settings come from the config file's
/// "NameNode" section, then CKPTFS_NAMENODE__* environment variables, then flags. Once serving it
/// prints one line on stdout, "NameNode listening: rpc=HOST:PORT http=HOST:PORT", for scripts.
/// </summary>
internal static class NameNodeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Folder for the NameNode's metadata (created if missing)." };
        var port = new Option<int?>("--port") { Description = "gRPC port (default 8020; 0 picks a free one)." };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP port for /healthz, /metrics, status (default 9870; 0 picks a free one; -1 off)." };
        var bind = new Option<string?>("--bind") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces)." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate: serve gRPC over TLS (with --tls-key); re-read when the file changes (Tls:CertificateFile)." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert (Tls:KeyFile)." };
        var config = new Option<string?>("--config") { Description = "JSON config file with a \"NameNode\" section." };
        var logFormat = new Option<LogFormat>("--log-format") { Description = "Log lines as text or json (default: text, or $CKPTFS_LOG_FORMAT)." };
        var command = new Command("namenode", "Run a NameNode: the namespace and leases, served over gRPC.") { data, port, httpPort, bind, tlsCert, tlsKey, config, logFormat };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = LoadOptions(result.GetValue(config));
            options.DataDirectory = result.GetValue(data) ?? options.DataDirectory;
            options.RpcPort = result.GetValue(port) ?? options.RpcPort;
            options.HttpPort = result.GetValue(httpPort) ?? options.HttpPort;
            options.BindAddress = result.GetValue(bind) ?? options.BindAddress;
            options.Tls.CertificateFile = result.GetValue(tlsCert) ?? options.Tls.CertificateFile;
            options.Tls.KeyFile = result.GetValue(tlsKey) ?? options.Tls.KeyFile;
            using var loggerFactory = LogSetup.CreateFactory(result.GetValue(logFormat));
            await RunAsync(options, loggerFactory, cancellationToken);
            return 0;
        });
        return command;
    }

    private static NameNodeOptions LoadOptions(string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        var configuration = builder.AddEnvironmentVariables("CKPTFS_").Build();
        var options = new NameNodeOptions();
        configuration.GetSection("NameNode").Bind(options);
        return options;
    }

    private static async Task RunAsync(NameNodeOptions options, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        await using var server = await NameNodeServer.StartAsync(options, loggerFactory, TimeProvider.System, stop.Token);
        var http = server.HttpPort is { } httpPort ? $"{options.BindAddress}:{httpPort}" : "off";
        Console.WriteLine($"NameNode listening: rpc={options.BindAddress}:{server.RpcPort} http={http}");
        await Console.Out.FlushAsync(stop.Token);
        try
        {
            await server.Fatal.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // SIGTERM / Ctrl-C: a clean stop.
        }
    }
}
