using System.Text;

namespace CkptFS.TestTool;

/// <summary>
/// The records <see cref="RocksDbWriterCommand"/> writes, shared with the test that verifies them.
/// Keys sort in write order; values differ per record and are a few hundred bytes, so a torn or
/// misplaced value cannot pass for the right one.
/// </summary>
public static class RocksDbWriterRecords
{
    public static bool IsBatch(int n) => n % 2 == 1;

    public static byte[] Key(int n) => Encoding.ASCII.GetBytes($"record/{n:D10}");

    /// <summary>The second key of a batch record: present exactly when <see cref="Key"/> is.</summary>
    public static byte[] TwinKey(int n) => Encoding.ASCII.GetBytes($"twin/{n:D10}");

    public static byte[] Value(int n)
    {
        var value = new byte[256 + (n % 64)];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = (byte)((n * 31) + (i * 7));
        }

        return value;
    }
}
