using System.Security.Cryptography;

namespace CkptFS.Testing;

/// <summary>Local files of random bytes (seeded, so a failure can be replayed) and their digests.</summary>
public static class TestFiles
{
    public static string WriteRandom(string path, long bytes, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1024 * 1024];
        using var file = File.Create(path);
        for (long written = 0; written < bytes;)
        {
            var count = (int)Math.Min(buffer.Length, bytes - written);
            random.NextBytes(buffer.AsSpan(0, count));
            file.Write(buffer, 0, count);
            written += count;
        }
        return path;
    }

    /// <summary>The same bytes in memory, for tests that write through the SDK or a pipe and compare what comes back.</summary>
    public static byte[] RandomBytes(int count, int seed)
    {
        var data = new byte[count];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }
}
