using CkptFS.Common;
using CkptFS.Storage.Files;

namespace CkptFS.DataNode;

/// <summary>
/// A DataNode's stable id, kept in its first data folder (file "datanode-id") so that a restarted
/// node is the same node to the NameNode, wherever it listens. `--id NAME` names a new node; a folder
/// that already belongs to another id is refused rather than silently taken over.
/// </summary>
public static class DataNodeIdentity
{
    public const string FileName = "datanode-id";

    public static string LoadOrCreate(string dataDirectory, string? requestedId)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var stored = File.ReadAllText(path).Trim();
            if (requestedId is not null && !string.Equals(stored, requestedId, StringComparison.Ordinal))
            {
                throw new CkptFsException(ErrorCode.InvalidArgument,
                    $"The data folder {dataDirectory} belongs to DataNode '{stored}', not '{requestedId}'; use another folder or drop --id.");
            }
            return stored;
        }
        var id = requestedId ?? Guid.NewGuid().ToString();
        if (id.Length == 0 || id.Length > 128 || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Invalid DataNode id '{id}': 1 to 128 characters, no spaces or control characters.");
        }
        DurableFile.WriteAtomically(path, System.Text.Encoding.UTF8.GetBytes(id + "\n"));
        return id;
    }
}
