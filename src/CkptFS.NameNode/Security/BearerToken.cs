using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CkptFS.NameNode.Security;

/// <summary>
/// The text of a bearer token: <c>ckt1.ID.SIGNATURE</c>, where SIGNATURE is base64url of
/// HMAC-SHA256(key, "ckt1|id|user|renewer|issuedMs|maxMs"). The NameNode checks it by finding the record
/// of ID and recomputing the signature: a token names no claim the NameNode does not hold itself,
/// so a revoked token (its record deleted) or a forged one (no key) cannot pass.
/// </summary>
public static class BearerToken
{
    private const string Prefix = "ckt1.";

    public static string Format(byte[] key, IssuedToken token) => $"{Prefix}{token.Id.ToString(CultureInfo.InvariantCulture)}.{Base64Url(Sign(key, token))}";

    /// <summary>The id a token names, or null when the text is not a CkptFS token at all.</summary>
    public static ulong? IdOf(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var dot = text.IndexOf('.', Prefix.Length);
        return dot > Prefix.Length && ulong.TryParse(text.AsSpan(Prefix.Length, dot - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>True when <paramref name="text"/> is exactly the token of <paramref name="token"/> under <paramref name="key"/> (constant-time).</summary>
    public static bool Matches(byte[] key, IssuedToken token, string text) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Format(key, token)), Encoding.ASCII.GetBytes(text));

    private static byte[] Sign(byte[] key, IssuedToken token) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Join('|', "ckt1", token.Id, token.User, token.Renewer, token.IssuedMs, token.MaxMs)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
