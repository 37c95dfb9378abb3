using CkptFS.Storage.RocksDb;

namespace CkptFS.TestTool;

/// <summary>
/// <c>rocksdb-fill &lt;dir&gt;</c>: writes synced 64 KiB values until RocksDB fails, then prints
/// "error &lt;ErrorCode&gt; &lt;RocksDB message&gt;" (flushed) and exits 3; prints "full-not-reached" and exits
/// 1 if 4096 writes all succeed. It runs in its own process because Debian's librocksdb7.8 is built
/// with assertions on, and after a write error RocksDB may abort() in a background flush or at close
/// (WritableFileWriter's "sync_without_flush_called_" assertion): that must not take a test host down.
/// </summary>
public static class RocksDbFillCommand
{
    public const string Name = "rocksdb-fill";
    public const string Usage = "rocksdb-fill <dir>             synced 64 KiB puts until RocksDB fails; prints \"error <code> <message>\"";

    public static int Run(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }

        var database = RocksDatabase.Open(args[0], new RocksDbOptions { WriteBufferBytes = 256 * 1024 });
        var value = new byte[64 * 1024];
        try
        {
            for (var i = 0; i < 4096; i++)
            {
                database.Put(BitConverter.GetBytes(i), value, sync: true);
            }
        }
        catch (RocksDbException exception)
        {
            Console.Out.WriteLine($"error {exception.Code} {exception.RocksMessage}");
            Console.Out.Flush();

            // No Dispose: closing a database after a write error is where the assertion fires.
            return 3;
        }

        Console.Out.WriteLine("full-not-reached");
        database.Dispose();
        return 1;
    }
}
