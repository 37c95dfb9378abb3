using System.Diagnostics;
using CkptFS.Common;
using CkptFS.NameNode;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.TestTool;

/// <summary>
/// <c>namespace-gen &lt;data-dir&gt; &lt;files&gt;</c>: builds a namespace of empty closed files (see
/// <see cref="ScaleNamespace"/>) in a NameNode data folder, fast, through the real code: a
/// NameNode started in this process (no port for clients: RPC on a free loopback port, no HTTP),
/// whose FsNamespace creates and completes every file, many at once so that the group committer
/// writes them in batches of up to 1,024 mutations per synced RocksDB write. The on-disk format is
/// exactly what RPC-made files leave. Files are empty (no blocks): a restart then leaves safe mode
/// without DataNodes, and what is measured is the namespace, not block reports.
/// </summary>
public static class NamespaceGenCommand
{
    public const string Name = "namespace-gen";
    public const string Usage = "namespace-gen <data-dir> <files>  empty closed files through an in-process NameNode's FsNamespace";

    private const int InFlight = 4096;

    public static int Run(string[] args)
    {
        if (args.Length != 2 || !long.TryParse(args[1], out var files) || files < 1)
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }
        var options = new NameNodeOptions { DataDirectory = args[0], RpcPort = 0, HttpPort = -1 };
        var stopwatch = Stopwatch.StartNew();
        var server = NameNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            var fs = server.Namespace;
            var next = -1L;
            var workers = Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
            {
                for (var index = Interlocked.Increment(ref next); index < files; index = Interlocked.Increment(ref next))
                {
                    var path = FsPath.Parse(ScaleNamespace.FilePath(index));
                    await fs.CreateAsync(new CreateFileRequest(path, "namespace-gen", CreateParent: true));
                    var result = await fs.CompleteAsync(path, "namespace-gen");
                    if (!result.Completed)
                    {
                        throw new InvalidOperationException($"{path} did not close.");
                    }
                }
            })).ToArray();
            Task.WaitAll(workers);
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Console.WriteLine($"generated {files} files in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }
}
