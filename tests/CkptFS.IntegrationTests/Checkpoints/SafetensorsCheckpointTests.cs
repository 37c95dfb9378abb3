using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>safetensors shards: the tensor table is built while the shard streams up; one tensor reads back exactly.</summary>
[Collection(CheckpointClusterCollection.Name)]
public sealed class SafetensorsCheckpointTests(ClusterFixture fixture) : IDisposable
{
    private readonly TempDirectory _local = new("ckptfs-safetensors");

    private LocalClusterProcesses Cluster => fixture.Cluster;

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task CkptShowListsTheTensorsAndOneTensorReadsBackExactly()
    {
        const string job = "/ckpt/safetensors";
        var file = CheckpointFiles.Safetensors(("embed.weight", "F32", [64, 32], 4), ("layers.0.norm", "BF16", [32], 2), ("step", "I64", [1], 8));
        var folder = _local.Combine("model");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), file);
        TestFiles.WriteRandom(Path.Combine(folder, "optimizer.bin"), 5000, seed: 3);
        (await Cluster.CliAsync("ckpt", "save", job, "7", folder, "-q")).EnsureSuccess();

        var show = (await Cluster.CliAsync("ckpt", "show", job, "7")).EnsureSuccess().Stdout;

        var dataStart = file.Length - (64 * 32 * 4 + 32 * 2 + 8);
        Assert.Contains("model.safetensors", show, StringComparison.Ordinal);
        Assert.Contains("safetensors, 3 tensors", show, StringComparison.Ordinal);
        Assert.Contains($"embed.weight  F32 [64, 32]  bytes {dataStart}..{dataStart + 8192}", show, StringComparison.Ordinal);
        Assert.Contains($"layers.0.norm  BF16 [32]  bytes {dataStart + 8192}..{dataStart + 8256}", show, StringComparison.Ordinal);
        Assert.Contains($"step  I64 [1]  bytes {dataStart + 8256}..{file.Length}", show, StringComparison.Ordinal);

        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        var reader = new CheckpointReader(client);
        var checkpoint = await reader.GetLatestAsync(job);
        Assert.Equal(file.AsSpan(dataStart + 8192, 64).ToArray(), await reader.ReadTensorAsync(checkpoint, "layers.0.norm"));
        Assert.Equal(file.AsSpan(dataStart, 8192).ToArray(), await reader.ReadTensorAsync(checkpoint, "embed.weight"));
        var destination = new byte[8];
        await reader.ReadTensorAsync(checkpoint, "step", destination);
        Assert.Equal(file.AsSpan(dataStart + 8256).ToArray(), destination);
        var unknown = await Assert.ThrowsAsync<CkptFS.Common.CkptFsException>(() => reader.ReadTensorAsync(checkpoint, "nope"));
        Assert.Contains("has no tensor named nope", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShardNamedSafetensorsThatIsNotOneFailsTheSaveWithTheReason()
    {
        var folder = _local.Combine("bad");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), [5, 0, 0, 0, 0, 0, 0, 0, (byte)'[', (byte)'1', (byte)']', 0, 0]);

        var save = await Cluster.CliAsync("ckpt", "save", "/ckpt/bad-safetensors", "1", folder, "-q");

        Assert.Equal(1, save.ExitCode);
        Assert.Contains("Shard model.safetensors is not a valid safetensors file", save.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Cluster.CliAsync("ckpt", "latest", "/ckpt/bad-safetensors")).ExitCode);
    }

    /// <summary>Cross-check with the reference implementation, when Debian's python3 has it (skipped otherwise).</summary>
    [PythonSafetensorsFact]
    public async Task AFileWrittenByTheReferenceLibraryReadsBackTensorForTensor()
    {
        var folder = _local.Combine("python");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "model.safetensors");
        var script = $$"""
            import numpy as np
            from safetensors.numpy import save_file
            save_file({"a": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.arange(5, dtype=np.int64)}, "{{path}}", metadata={"format": "np"})
            print(np.arange(12, dtype=np.float32).tobytes().hex())
            """;
        var expectedA = Convert.FromHexString((await PythonSafetensorsFactAttribute.RunAsync(script)).Trim());
        (await Cluster.CliAsync("ckpt", "save", "/ckpt/python", "1", folder, "-q")).EnsureSuccess();

        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        var reader = new CheckpointReader(client);
        var checkpoint = await reader.GetLatestAsync("/ckpt/python");
        Assert.Equal(expectedA, await reader.ReadTensorAsync(checkpoint, "a"));
        Assert.Equal("np", checkpoint.Manifest.Shards[0].FormatMetadata["format"]);

        var restored = _local.Combine("restored");
        (await Cluster.CliAsync("ckpt", "restore", "/ckpt/python", restored, "-q")).EnsureSuccess();
        var check = $$"""
            import numpy as np
            from safetensors.numpy import load_file
            t = load_file("{{Path.Combine(restored, "model.safetensors")}}")
            assert (t["a"] == np.arange(12, dtype=np.float32).reshape(3, 4)).all() and (t["b"] == np.arange(5)).all()
            print("ok")
            """;
        Assert.Equal("ok", (await PythonSafetensorsFactAttribute.RunAsync(check)).Trim());
    }
}
