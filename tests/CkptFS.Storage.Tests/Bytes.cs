using System.Text;

namespace CkptFS.Storage.Tests;

/// <summary>Short ways to write test keys and values.</summary>
internal static class Bytes
{
    public static byte[] Of(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Of(params byte[] bytes) => bytes;

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
