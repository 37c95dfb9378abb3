namespace CkptFS.Client.Checkpoints.Safetensors;

/// <summary>Element sizes of the safetensors dtypes; an unknown (future) dtype is accepted without the size check.</summary>
public static class SafetensorsDtype
{
    public static int? BytesPerElement(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E4M3" or "F8_E5M2" or "F8_E8M0" => 1,
        "U16" or "I16" or "F16" or "BF16" => 2,
        "U32" or "I32" or "F32" => 4,
        "U64" or "I64" or "F64" or "C64" => 8,
        _ => null,
    };
}
