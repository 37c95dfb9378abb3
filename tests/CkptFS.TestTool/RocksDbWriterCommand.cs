using System.Globalization;
using CkptFS.Storage.RocksDb;

namespace CkptFS.TestTool;

/// <summary>
/// <c>rocksdb-writer &lt;dir&gt; &lt;count&gt;</c>: writes records 0..count-1 with <c>sync: true</c>,
/// even numbers as single puts and odd numbers as two-key write batches, and prints "ack n" (flushed)
/// after each write call returns. A test kills it mid-stream with SIGKILL and checks that every
/// acknowledged record survived; the record format is <see cref="RocksDbWriterRecords"/>.
/// </summary>
public static class RocksDbWriterCommand
{
    public const string Name = "rocksdb-writer";
    public const string Usage = "rocksdb-writer <dir> <count>   synced puts and batches, one \"ack <n>\" line per write";

    public static int Run(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }

        using var database = RocksDatabase.Open(args[0]);
        using var batch = new RocksWriteBatch();
        var output = Console.Out;
        for (var n = 0; n < count; n++)
        {
            if (RocksDbWriterRecords.IsBatch(n))
            {
                batch.Clear();
                batch.Put(RocksDbWriterRecords.Key(n), RocksDbWriterRecords.Value(n));
                batch.Put(RocksDbWriterRecords.TwinKey(n), RocksDbWriterRecords.Value(n));
                database.Write(batch, sync: true);
            }
            else
            {
                database.Put(RocksDbWriterRecords.Key(n), RocksDbWriterRecords.Value(n), sync: true);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack {n}"));
            output.Flush();
        }

        return 0;
    }
}
