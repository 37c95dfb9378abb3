using CkptFS.Storage.RocksDb;

namespace CkptFS.TestTool;

/// <summary>
/// <c>rocksdb-fill &lt;dir&gt;</c>: writes synced 64 KiB values until RocksDB fails, then prints
/// "error &lt;ErrorCode&gt; &lt;RocksDB message&gt;" (flushed) and exits 3; prints "full-not-reached" and exits
/// 1 if 4096 writes all succeed. It runs in its own process so that whatever RocksDB does after a
/// write error (Debian's 7.8 build, with assertions on, could abort() at close) cannot take a test host down.
/// The 4 MiB write buffer is larger than the test's disk, so the WAL append is what fails, and the
/// writer gets the error. (A writer already waiting in a write stall for a flush that then fails on the
/// full disk is not failed by RocksDB 11, as 7.8 did: it waits until RocksDB's own recovery sees free space.)
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

        var database = RocksDatabase.Open(args[0], new RocksDbOptions { WriteBufferBytes = 4L * 1024 * 1024 });
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

            // No Dispose: the process ends here, and closing after a write error is where 7.8's assertion fired.
            return 3;
        }

        Console.Out.WriteLine("full-not-reached");
        database.Dispose();
        return 1;
    }
}
