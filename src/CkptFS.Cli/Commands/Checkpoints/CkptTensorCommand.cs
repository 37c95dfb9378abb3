using System.CommandLine;
using CkptFS.Cli.Output;
using CkptFS.Client.Checkpoints;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>
/// `ckpt tensor JOB STEP NAME [--out FILE] [--json]`: one safetensors tensor of a committed
/// checkpoint, read by position (only its bytes cross the network, every chunk verified): its raw
/// bytes on stdout or into FILE, or with --json where it lies (shard, dtype, shape, byte range).
/// </summary>
internal static class CkptTensorCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var step = CkptArguments.Step();
        var name = new Argument<string>("name") { Description = "The tensor's name, as 'ckpt show' lists it." };
        var shard = new Option<string?>("--shard") { Description = "Look in this shard only (default: the first shard that has the tensor)." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the bytes into this local file instead of stdout." };
        var json = new Option<bool>("--json") { Description = "Print the tensor's metadata (shard, dtype, shape, byte range) instead of its bytes." };
        var command = new Command("tensor", "Read one tensor of a checkpoint: its raw bytes (stdout or --out FILE), or --json its metadata.") { job, step, name, shard, output, json };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var reader = new CheckpointReader(client);
            var checkpoint = await reader.GetAsync(result.GetRequiredValue(job), result.GetValue(step), cancellationToken);
            var tensorName = result.GetRequiredValue(name);
            if (result.GetValue(json))
            {
                var (inShard, tensor) = Find(checkpoint, tensorName, result.GetValue(shard));
                await JsonOutput.WriteAsync(writer => WriteJson(writer, inShard, tensor), cancellationToken);
                return 0;
            }
            var bytes = await reader.ReadTensorAsync(checkpoint, tensorName, result.GetValue(shard), cancellationToken);
            await WriteBytesAsync(bytes, result.GetValue(output), cancellationToken);
            return 0;
        });
        return command;
    }

    private static (ShardEntry Shard, TensorInfo Tensor) Find(CheckpointInfo checkpoint, string name, string? shardPath)
    {
        foreach (var shard in checkpoint.Manifest.Shards.Where(s => shardPath is null || s.Path == shardPath))
        {
            if (shard.Tensors.FirstOrDefault(t => t.Name == name) is { } tensor)
            {
                return (shard, tensor);
            }
        }
        throw new CkptFsException(ErrorCode.FileNotFound,
            $"Step {checkpoint.Step} of {checkpoint.Job} has no tensor named {name}{(shardPath is null ? "" : $" in {shardPath}")} (see 'ckptfs ckpt show {checkpoint.Job} {checkpoint.Step}').");
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter writer, ShardEntry shard, TensorInfo tensor)
    {
        writer.WriteStartObject();
        writer.WriteString("name", tensor.Name);
        writer.WriteString("shard", shard.Path);
        writer.WriteString("dtype", tensor.Dtype);
        writer.WriteStartArray("shape");
        foreach (var dimension in tensor.Shape)
        {
            writer.WriteNumberValue(dimension);
        }
        writer.WriteEndArray();
        writer.WriteNumber("begin", tensor.Begin);
        writer.WriteNumber("end", tensor.End);
        writer.WriteNumber("bytes", tensor.End - tensor.Begin);
        writer.WriteEndObject();
    }

    /// <summary>Into FILE through FILE._COPYING_ (no half-written file under its name), or to stdout.</summary>
    private static async Task WriteBytesAsync(byte[] bytes, string? file, CancellationToken cancellationToken)
    {
        if (file is null or "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(bytes, cancellationToken);
            return;
        }
        var temporary = file + Transfers.Uploader.CopyingSuffix;
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
            File.Move(temporary, file, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
