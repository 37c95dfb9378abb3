using System.Security.Cryptography;

namespace CkptFS.Protocol.Security;

/// <summary>
/// The secret a NameNode and its DataNodes share (Security:ClusterSecretFile): random bytes in a
/// file, read whole. A DataNode proves it belongs to the cluster by signing with it
/// (<see cref="ClusterProof"/>); the secret itself never travels.
/// </summary>
public sealed class ClusterSecret
{
    /// <summary>Fewest bytes accepted: 16 (128 bits); <see cref="Generate"/> writes 32.</summary>
    public const int MinimumBytes = 16;

    private readonly byte[] _key;

    private ClusterSecret(byte[] key, string path)
    {
        _key = key;
        Path = path;
    }

    /// <summary>The file it was read from (for messages; the bytes are never logged).</summary>
    public string Path { get; }

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Reads the secret file named by <paramref name="setting"/>; throws with the setting and the path when it is missing or too short.</summary>
    public static ClusterSecret Load(string path, string setting)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Invalid setting {setting} = {path}: cannot read the cluster secret ({exception.Message}).", exception);
        }
        if (bytes.Length < MinimumBytes)
        {
            throw new ArgumentException(
                $"Invalid setting {setting} = {path}: the cluster secret has {bytes.Length} bytes, at least {MinimumBytes} are needed (e.g. head -c 32 /dev/urandom > FILE).");
        }
        return new ClusterSecret(bytes, path);
    }

    /// <summary>Writes 32 random bytes to a new file at <paramref name="path"/>, readable by its owner only on Unix.</summary>
    public static void Generate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var file = new FileStream(path, options);
        file.Write(RandomNumberGenerator.GetBytes(32));
        file.Flush(flushToDisk: true);
    }
}
