using System.Text.Json;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Checkpoints;

/// <summary>
/// The JSON of `ckpt ls --json` and `ckpt latest --json`: camelCase, numbers as numbers, times as
/// ISO 8601 UTC. Scripts depend on it: add fields, never rename. (`ckpt show --json` prints the
/// stored manifest itself.)
/// </summary>
internal static class CheckpointJson
{
    public static void WriteListing(Utf8JsonWriter json, string job, ListCheckpointsResponse listing)
    {
        json.WriteStartObject();
        json.WriteString("job", job);
        if (listing.HasLatest)
        {
            json.WriteNumber("latestStep", listing.LatestStep);
        }
        else
        {
            json.WriteNull("latestStep");
        }
        json.WriteStartObject("retention");
        json.WriteNumber("keepLast", listing.Retention?.KeepLast ?? 0);
        json.WriteNumber("keepEvery", listing.Retention?.KeepEvery ?? 0);
        json.WriteEndObject();
        json.WriteStartArray("checkpoints");
        foreach (var checkpoint in listing.Checkpoints)
        {
            Write(json, checkpoint);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter json, CheckpointInfo checkpoint)
    {
        json.WriteStartObject();
        json.WriteNumber("step", checkpoint.Step);
        json.WriteString("state", CheckpointText.StateName(checkpoint.State).ToLowerInvariant());
        json.WriteBoolean("latest", checkpoint.Latest);
        json.WriteString("path", checkpoint.Path);
        json.WriteNumber("shards", checkpoint.ShardCount);
        json.WriteNumber("bytes", checkpoint.TotalBytes);
        if (checkpoint.CommittedMs > 0)
        {
            json.WriteString("committed", DateTimeOffset.FromUnixTimeMilliseconds(checkpoint.CommittedMs).UtcDateTime);
        }
        json.WriteNumber("blockingSaveMs", checkpoint.BlockingSaveMs);
        if (checkpoint.Problem.Length > 0)
        {
            json.WriteString("problem", checkpoint.Problem);
        }
        json.WriteEndObject();
    }
}
