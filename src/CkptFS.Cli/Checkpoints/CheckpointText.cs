using System.Globalization;
using CkptFS.Cli.Output;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Checkpoints;

/// <summary>How `ckpt ls`, `ckpt latest` and `ckpt show` print for people (times in UTC).</summary>
internal static class CheckpointText
{
    public const string ListHeader = "      STEP  STATE        SHARDS        SIZE  COMMITTED (UTC)      PATH";

    public static string Line(CheckpointInfo checkpoint)
    {
        var state = checkpoint.Latest ? "latest" : StateName(checkpoint.State);
        var committed = checkpoint.CommittedMs > 0 ? Time(checkpoint.CommittedMs) : "-";
        var problem = checkpoint.Problem.Length > 0 ? $"  ({checkpoint.Problem})" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{checkpoint.Step,10}  {state,-9} {checkpoint.ShardCount,9} {ByteSize.Format(checkpoint.TotalBytes),11}  {committed,-19}  {checkpoint.Path}{problem}");
    }

    public static string StateName(CheckpointState state) => state switch
    {
        CheckpointState.Committed => "committed",
        CheckpointState.Damaged => "DAMAGED",
        CheckpointState.Pending => "pending",
        _ => "unknown",
    };

    public static string Retention(RetentionPolicy policy) => (policy.KeepLast, policy.KeepEvery) switch
    {
        (0, 0) => "keep all",
        (var last, 0) => $"keep the last {last}",
        (0, var every) => $"keep every step divisible by {every}",
        var (last, every) => $"keep the last {last} and every step divisible by {every}",
    } + " (the newest intact checkpoint is always kept)";

    public static void WriteShow(TextWriter output, CheckpointInfo checkpoint)
    {
        var manifest = checkpoint.Manifest;
        output.WriteLine($"job         {checkpoint.Job}");
        output.WriteLine($"step        {checkpoint.Step}{(checkpoint.Latest ? " (latest)" : string.Empty)}");
        output.WriteLine($"path        {checkpoint.Path}");
        output.WriteLine($"state       {StateName(checkpoint.State)}{(checkpoint.Problem.Length > 0 ? $": {checkpoint.Problem}" : string.Empty)}");
        output.WriteLine($"committed   {Time(checkpoint.CommittedMs)} UTC");
        output.WriteLine($"taken       {Time(manifest.WallTimeMs)} UTC");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch       {manifest.Epoch}    seed {manifest.Seed}"));
        output.WriteLine($"framework   {(manifest.Framework.Length > 0 ? $"{manifest.Framework} {manifest.FrameworkVersion}".Trim() : "-")}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"save        blocking {manifest.BlockingSaveMs / 1000.0:0.###} s, total {manifest.TotalSaveMs / 1000.0:0.###} s"));
        WriteMap(output, "hparams", manifest.Hyperparameters);
        WriteMap(output, "metadata", manifest.Metadata);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shards      {manifest.Shards.Count}, {ByteSize.Format(checkpoint.TotalBytes)}"));
        foreach (var shard in manifest.Shards)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {shard.Path}  {shard.Size} bytes  crc32c {shard.Crc32C:x8}{(shard.Format.Length > 0 ? $"  {shard.Format}, {shard.Tensors.Count} tensors" : string.Empty)}"));
            foreach (var tensor in shard.Tensors)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {tensor.Name}  {tensor.Dtype} [{string.Join(", ", tensor.Shape)}]  bytes {tensor.Begin}..{tensor.End}"));
            }
        }
    }

    private static void WriteMap(TextWriter output, string label, IDictionary<string, string> map)
    {
        output.WriteLine(map.Count == 0
            ? $"{label,-11} -"
            : $"{label,-11} {string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}");
    }

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
