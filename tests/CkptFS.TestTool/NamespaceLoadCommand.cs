using System.Diagnostics;
using CkptFS.NameNode.Persistence;
using CkptFS.Protocol.V1;
using CkptFS.Storage.RocksDb;

namespace CkptFS.TestTool;

/// <summary>
/// <c>namespace-load &lt;data-dir&gt;</c>: where a NameNode's start-up load goes, in this process: the
/// RocksDB scan and record parsing alone, then the whole <see cref="RocksMetadataStore.Load"/>
/// (scan, parse, tree build), each with the managed heap and GC count after it.
/// </summary>
public static class NamespaceLoadCommand
{
    public const string Name = "namespace-load";
    public const string Usage = "namespace-load <data-dir>      times the metadata scan, the parse and the whole namespace load";

    public static int Run(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }
        var directory = Path.Combine(args[0], "metadata");
        var stopwatch = Stopwatch.StartNew();
        long records = 0;
        using (var database = RocksDatabase.Open(directory, new RocksDbOptions()))
        {
            foreach (var (_, value) in database.ScanPrefix("i"u8))
            {
                records += InodeRecord.Parser.ParseFrom(value).Id > 0 ? 1 : 0;
            }
        }
        Report($"scan+parse {records} records", stopwatch);
        stopwatch.Restart();
        using var store = new RocksMetadataStore(directory);
        var image = store.Load();
        Report($"load {image.Tree.InodeCount} inodes", stopwatch);
        GC.KeepAlive(image);
        return 0;
    }

    private static void Report(string what, Stopwatch stopwatch) =>
        Console.WriteLine($"{what}: {stopwatch.Elapsed.TotalSeconds:0.00} s, heap {GC.GetTotalMemory(false) >> 20} MiB, gen2 GCs {GC.CollectionCount(2)}, GC pause {GC.GetTotalPauseDuration().TotalSeconds:0.00} s");
}
