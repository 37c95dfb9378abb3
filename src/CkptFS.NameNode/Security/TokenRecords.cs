using System.Buffers.Binary;
using CkptFS.NameNode.Persistence;
using CkptFS.Protocol.V1;
using CkptFS.Storage.RocksDb;
using Google.Protobuf;

namespace CkptFS.NameNode.Security;

/// <summary>
/// Client tokens in RocksDB, next to the inodes (RocksMetadataStore):
///   "m/token-key"       → the 32-byte HMAC key tokens are signed with
///   "t" + id (8 bytes)  → TokenInfo (tokens.proto)
/// </summary>
internal static class TokenRecords
{
    private static readonly byte[] KeyKey = "m/token-key"u8.ToArray();
    private static readonly byte[] TokenPrefix = "t"u8.ToArray();

    public static void Write(RocksWriteBatch batch, MetadataOp op)
    {
        switch (op)
        {
            case MetadataOp.PutTokenKey put:
                batch.Put(KeyKey, put.Key);
                break;
            case MetadataOp.PutToken put:
                batch.Put(TokenKey(put.Token.Id), put.Token.ToProto().ToByteArray());
                break;
            case MetadataOp.DeleteToken delete:
                batch.Delete(TokenKey(delete.Id));
                break;
            default:
                throw new InvalidOperationException($"{op.GetType().Name} is not a token op.");
        }
    }

    public static TokenState Load(RocksDatabase db)
    {
        var tokens = new List<IssuedToken>();
        foreach (var (key, value) in db.ScanPrefix(TokenPrefix))
        {
            if (key.Length == 9)
            {
                tokens.Add(IssuedToken.FromProto(TokenInfo.Parser.ParseFrom(value)));
            }
        }
        return new TokenState(db.Get(KeyKey), tokens);
    }

    private static byte[] TokenKey(ulong id)
    {
        var key = new byte[9];
        key[0] = TokenPrefix[0];
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), id);
        return key;
    }
}
