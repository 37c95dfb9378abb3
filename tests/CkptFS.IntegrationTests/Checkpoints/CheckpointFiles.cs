using System.Buffers.Binary;
using System.Text;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>Local checkpoint folders for the tests: seeded random shards, and safetensors files built byte by byte.</summary>
internal static class CheckpointFiles
{
    /// <summary>A folder with <paramref name="shards"/> files rank-I.bin of <paramref name="bytes"/> random bytes (seed + I).</summary>
    public static string Folder(TempDirectory local, string name, int shards, long bytes, int seed)
    {
        var folder = local.Combine(name);
        Directory.CreateDirectory(folder);
        for (var i = 0; i < shards; i++)
        {
            TestFiles.WriteRandom(Path.Combine(folder, $"rank-{i}.bin"), bytes, seed + i);
        }
        return folder;
    }

    /// <summary>
    /// A safetensors file as the format says: 8-byte little-endian header length, the JSON header
    /// (dtype, shape, data_offsets relative to the data), then the tensors' bytes back to back.
    /// Returns the file's bytes; tensor data are seeded random bytes.
    /// </summary>
    public static byte[] Safetensors(params (string Name, string Dtype, int[] Shape, int ElementBytes)[] tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var (name, dtype, shape, elementBytes) in tensors)
        {
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * elementBytes;
            header.Append($",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }
        header.Append('}');
        var json = Encoding.UTF8.GetBytes(header.ToString());
        var file = new byte[8 + json.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        new Random(17).NextBytes(file.AsSpan(8 + json.Length));
        return file;
    }
}
