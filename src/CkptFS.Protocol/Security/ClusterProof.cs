using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CkptFS.Protocol.Security;

/// <summary>
/// A DataNode's proof that it holds the <see cref="ClusterSecret"/>, sent on every DatanodeProtocol
/// call as two metadata headers:
///   ckptfs-datanode-uuid:  the DataNode's uuid
///   ckptfs-datanode-proof: "v1.{unix ms}.{base64 HMAC-SHA256(secret, "ckptfs-datanode-proof/v1|{uuid}|{unix ms}")}"
/// The NameNode recomputes the HMAC (constant-time compare) and accepts the timestamp within a skew
/// window, so a captured header stops working after it. Without TLS the headers can still be
/// replayed within the window: the secret keeps out processes that do not have it, TLS keeps out
/// those that can listen.
/// </summary>
public static class ClusterProof
{
    public const string UuidHeader = "ckptfs-datanode-uuid";
    public const string ProofHeader = "ckptfs-datanode-proof";
    private const string Version = "v1";

    /// <summary>The proof header's value for <paramref name="datanodeUuid"/> at <paramref name="now"/>.</summary>
    public static string Create(ClusterSecret secret, string datanodeUuid, DateTimeOffset now)
    {
        var timestampMs = now.ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $"{Version}.{timestampMs}.{Convert.ToBase64String(Sign(secret, datanodeUuid, timestampMs))}");
    }

    /// <summary>Null when <paramref name="proof"/> proves <paramref name="datanodeUuid"/> holds the secret at <paramref name="now"/> (within <paramref name="skew"/>); else why not.</summary>
    public static string? Check(ClusterSecret secret, string? datanodeUuid, string? proof, DateTimeOffset now, TimeSpan skew)
    {
        if (string.IsNullOrEmpty(datanodeUuid) || string.IsNullOrEmpty(proof))
        {
            return $"the call carries no cluster proof (headers {UuidHeader} and {ProofHeader})";
        }
        var parts = proof.Split('.');
        if (parts.Length != 3 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var timestampMs))
        {
            return $"the {ProofHeader} header is malformed (expected {Version}.<unix ms>.<base64 HMAC>)";
        }
        var signature = new byte[32];
        if (!Convert.TryFromBase64String(parts[2], signature, out var length) || length != signature.Length
            || !CryptographicOperations.FixedTimeEquals(signature, Sign(secret, datanodeUuid, timestampMs)))
        {
            return "the proof does not match this NameNode's cluster secret (a different or no secret file)";
        }
        var age = now - DateTimeOffset.FromUnixTimeMilliseconds(timestampMs);
        if (age.Duration() > skew)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the proof's timestamp is {age.TotalSeconds:0} s off this NameNode's clock (at most {skew.TotalSeconds:0} s accepted)");
        }
        return null;
    }

    private static byte[] Sign(ClusterSecret secret, string datanodeUuid, long timestampMs) =>
        HMACSHA256.HashData(secret.Key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"ckptfs-datanode-proof/{Version}|{datanodeUuid}|{timestampMs}")));
}
