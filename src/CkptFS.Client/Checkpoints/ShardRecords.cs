using System.Text;
using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// How ranks in separate processes hand their shard entries (size, CRC32C, tensors) to the
/// coordinator without talking to it: each rank's <see cref="ShardOutputStream"/>, once its shard is
/// closed, writes a small JSON file JOB/.pending/step-N/.ckpt-shards/&lt;escaped shard path&gt;.json.
/// The coordinator lists the pending folder, reads these records and commits; the commit
/// transaction deletes the folder, so it never appears in the published checkpoint. A shard with
/// no record was not finished by its rank (or the rank died after closing it): it is not committed.
/// </summary>
public static class ShardRecords
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static FsPath RecordPath(FsPath pending, string shardPath) =>
        pending.Child(CheckpointNames.ShardRecordsFolder).Child(Uri.EscapeDataString(shardPath) + ".json");

    public static async Task WriteAsync(CkptFsClient client, FsPath pending, ShardEntry entry, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(Formatter.Format(entry));
        await using var output = await client.CreateAsync(RecordPath(pending, entry.Path).Value, new CreateFileOptions { Overwrite = true, AllocateFirstBlock = true }, cancellationToken);
        await output.WriteAsync(bytes, cancellationToken);
        await output.CloseAsync(cancellationToken);
    }

    /// <summary>Every record in the pending folder, by shard path (read <see cref="ParallelReads"/> at once: a record is one small block).</summary>
    public static async Task<Dictionary<string, ShardEntry>> ReadAllAsync(CkptFsClient client, FsPath pending, CancellationToken cancellationToken)
    {
        var folder = pending.Child(CheckpointNames.ShardRecordsFolder);
        if (await client.TryGetFileInfoAsync(folder.Value, cancellationToken) is null)
        {
            return new Dictionary<string, ShardEntry>(StringComparer.Ordinal);
        }
        var closed = new List<string>();
        await foreach (var status in client.ListAsync(folder.Value, cancellationToken))
        {
            if (!status.UnderConstruction)
            {
                closed.Add(status.Path);
            }
        }
        var entries = new ShardEntry[closed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, closed.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                await using var input = await client.OpenAsync(closed[i], token);
                using var reader = new StreamReader(input, Encoding.UTF8);
                entries[i] = Parser.Parse<ShardEntry>(await reader.ReadToEndAsync(token));
            });
        return entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    private const int ParallelReads = 16;
}
