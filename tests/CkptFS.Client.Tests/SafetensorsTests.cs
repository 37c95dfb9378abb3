using System.Buffers.Binary;
using System.Text;
using CkptFS.Client.Checkpoints.Safetensors;
using CkptFS.Common;

namespace CkptFS.Client.Tests;

public sealed class SafetensorsTests
{
    /// <summary>A file as the format says: 8-byte little-endian header length, JSON header, data.</summary>
    internal static byte[] File(string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        for (var i = 8 + header.Length; i < file.Length; i++)
        {
            file[i] = (byte)i;
        }
        return file;
    }

    private const string TwoTensors =
        """{"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1 << 20)]
    public void TheScannerFindsTensorsInFileOrderWhateverTheWriteSizes(int writeBytes)
    {
        var file = File(TwoTensors, 30);
        var scanner = new SafetensorsScanner();
        for (var offset = 0; offset < file.Length; offset += writeBytes)
        {
            scanner.Append(file.AsSpan(offset, Math.Min(writeBytes, file.Length - offset)));
        }
        var header = scanner.Finish(file.Length);

        var dataStart = file.Length - 30;
        Assert.Equal(dataStart, header.DataStart);
        Assert.Equal(["a", "b"], header.Tensors.Select(t => t.Name));
        Assert.Equal([2UL, 3UL], header.Tensors[0].Shape);
        Assert.Equal((ulong)dataStart, header.Tensors[0].Begin);
        Assert.Equal((ulong)dataStart + 24, header.Tensors[0].End);
        Assert.Equal("BF16", header.Tensors[1].Dtype);
        Assert.Equal("pt", header.Metadata["format"]);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4, "needs 8 bytes but spans 4")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "starts at byte")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "the file has")]
    [InlineData("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", 4, "lacks dtype")]
    [InlineData("""[1,2]""", 0, "not a JSON object")]
    [InlineData("""{"a":""", 0, "not JSON")]
    public void ABadHeaderIsRefusedWithTheReason(string json, int dataBytes, string reason)
    {
        var file = File(json, dataBytes);
        var scanner = new SafetensorsScanner();
        var error = Assert.Throws<CkptFsException>(() =>
        {
            scanner.Append(file);
            scanner.Finish(file.Length);
        });
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatEndsInsideItsHeaderOrAnnouncesAHugeOneIsRefused()
    {
        var file = File(TwoTensors, 30);
        var scanner = new SafetensorsScanner();
        scanner.Append(file.AsSpan(0, 20));
        Assert.Contains("inside its header", Assert.Throws<CkptFsException>(() => scanner.Finish(20)).Message, StringComparison.Ordinal);

        var huge = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("header length", Assert.Throws<CkptFsException>(() => new SafetensorsScanner().Append(huge)).Message, StringComparison.Ordinal);
    }
}
