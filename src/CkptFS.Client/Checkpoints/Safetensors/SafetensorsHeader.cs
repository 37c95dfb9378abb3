using System.Buffers.Binary;
using System.Text.Json;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints.Safetensors;

/// <summary>
/// The header of a safetensors file (huggingface/safetensors): an 8-byte little-endian length N,
/// then N bytes of JSON mapping each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
/// (offsets relative to the data, which starts at 8 + N), plus an optional "__metadata__" map of
/// strings. <see cref="Parse"/> checks it as the reference implementation does (offsets in order
/// and within the data, byte counts that match dtype × shape) and turns offsets into byte ranges
/// of the whole file, which is what a positional read of one tensor needs.
/// </summary>
public sealed record SafetensorsHeader(long DataStart, IReadOnlyList<TensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The reference implementation's limit on the header (100 MB): larger means not a safetensors file.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";

    /// <summary>Parses the JSON of a header whose length prefix said <paramref name="json"/>.Length bytes.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json)
    {
        var dataStart = sizeof(ulong) + (long)json.Length;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw Invalid($"its header is not JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("its header is not a JSON object");
            }
            var tensors = new List<TensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata);
                }
                else
                {
                    tensors.Add(ReadTensor(property.Name, property.Value, dataStart));
                }
            }
            tensors.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            return new SafetensorsHeader(dataStart, tensors, metadata);
        }
    }

    /// <summary>The header length a file's first 8 bytes announce, checked against the limit.</summary>
    public static long ReadLength(ReadOnlySpan<byte> prefix)
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        return length is 0 or > MaxHeaderBytes
            ? throw Invalid($"its header length {length} is outside 1..{MaxHeaderBytes}")
            : (long)length;
    }

    /// <summary>Checks the tensors against the file's final size: data is contiguous and ends with the file.</summary>
    public void CheckSize(long fileBytes)
    {
        var end = DataStart;
        foreach (var tensor in Tensors)
        {
            if ((long)tensor.Begin != end)
            {
                throw Invalid($"tensor {tensor.Name} starts at byte {tensor.Begin}, expected {end} (tensors must be contiguous)");
            }
            end = (long)tensor.End;
        }
        if (end != fileBytes)
        {
            throw Invalid($"its tensors end at byte {end} but the file has {fileBytes} bytes");
        }
    }

    private static TensorInfo ReadTensor(string name, JsonElement value, long dataStart)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Invalid($"tensor {name} lacks dtype, shape or data_offsets [begin, end]");
        }
        var tensor = new TensorInfo { Name = name, Dtype = dtype.GetString()! };
        foreach (var dimension in shape.EnumerateArray())
        {
            tensor.Shape.Add(dimension.TryGetUInt64(out var size) ? size : throw Invalid($"tensor {name} has a shape entry that is not a count"));
        }
        var begin = offsets[0].TryGetUInt64(out var b) ? b : throw Invalid($"tensor {name} has a bad begin offset");
        var end = offsets[1].TryGetUInt64(out var e) ? e : throw Invalid($"tensor {name} has a bad end offset");
        if (end < begin)
        {
            throw Invalid($"tensor {name} ends (byte {end}) before it begins (byte {begin})");
        }
        if (SafetensorsDtype.BytesPerElement(tensor.Dtype) is { } elementBytes)
        {
            var expected = tensor.Shape.Aggregate(1UL, (product, dimension) => checked(product * dimension)) * (ulong)elementBytes;
            if (expected != end - begin)
            {
                throw Invalid($"tensor {name} ({tensor.Dtype}, shape [{string.Join(", ", tensor.Shape)}]) needs {expected} bytes but spans {end - begin}");
            }
        }
        tensor.Begin = (ulong)dataStart + begin;
        tensor.End = (ulong)dataStart + end;
        return tensor;
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"its {MetadataKey} is not an object of strings");
        }
        foreach (var entry in value.EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw Invalid($"{MetadataKey}.{entry.Name} is not a string");
        }
    }

    private static CkptFsException Invalid(string why) => new(ErrorCode.InvalidArgument, $"not a valid safetensors file: {why}");
}
