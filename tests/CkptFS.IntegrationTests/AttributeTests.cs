using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>
/// SetTimes, SetPermission and SetOwner through the SDK against real processes: the wire (optional
/// fields, error codes back as typed exceptions), durability across kill -9, and reads that leave
/// the access time alone.
/// </summary>
public class AttributeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly DateTimeOffset Modified = new(2024, 3, 1, 12, 30, 15, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset Accessed = new(1969, 7, 20, 20, 17, 40, TimeSpan.Zero);
    private readonly TempDirectory _data = new("ckptfs-nn-attrs");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task AttributesSetThroughTheSdkSurviveKillDash9AndARestart()
    {
        using (var nameNode = await NameNodeProcess.StartAsync(_data.Path))
        {
            using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = nameNode.Address });
            await client.MkdirsAsync("/attrs/dir", createParents: true).WaitAsync(Timeout);
            await client.CreateEmptyFileAsync("/attrs/dir/f").WaitAsync(Timeout);
            var created = await client.GetFileInfoAsync("/attrs/dir/f").WaitAsync(Timeout);
            Assert.Equal(created.ModificationTimeMs, created.AccessTimeMs);

            // One time at a time: the other stays.
            await client.SetTimesAsync("/attrs/dir/f", Modified, null).WaitAsync(Timeout);
            var afterMtime = await client.GetFileInfoAsync("/attrs/dir/f").WaitAsync(Timeout);
            Assert.Equal((Modified.ToUnixTimeMilliseconds(), created.AccessTimeMs), (afterMtime.ModificationTimeMs, afterMtime.AccessTimeMs));
            await client.SetTimesAsync("/attrs/dir/f", null, Accessed).WaitAsync(Timeout);
            await client.SetTimesAsync("/attrs/dir/f", null, null).WaitAsync(Timeout);
            await client.SetPermissionAsync("/attrs/dir/f", 0b110_000_000).WaitAsync(Timeout);          // 0600
            await client.SetPermissionAsync("/attrs/dir", 0b011_111_101_101).WaitAsync(Timeout);        // 3755: setgid + sticky
            await client.SetOwnerAsync("/attrs/dir/f", "alice", null).WaitAsync(Timeout);
            await client.SetOwnerAsync("/attrs/dir/f", null, "ml-team").WaitAsync(Timeout);
            await client.SetOwnerAsync("/attrs/dir", "bob", "staff").WaitAsync(Timeout);

            // A rename keeps the file's times.
            await client.RenameAsync("/attrs/dir/f", "/attrs/dir/g").WaitAsync(Timeout);
            await AssertAttributesAsync(client);
            nameNode.Kill();
        }

        using var restarted = await NameNodeProcess.StartAsync(_data.Path);
        using var check = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = restarted.Address });
        await AssertAttributesAsync(check);
    }

    [Fact]
    public async Task ErrorsComeBackAsTheirCodes()
    {
        using var nameNode = await NameNodeProcess.StartAsync(_data.Path);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = nameNode.Address });
        await client.CreateEmptyFileAsync("/f").WaitAsync(Timeout);

        await FailsAsync(ErrorCode.FileNotFound, () => client.SetTimesAsync("/nope", Modified, Accessed));
        await FailsAsync(ErrorCode.FileNotFound, () => client.SetPermissionAsync("/nope", 0b111_101_101));
        await FailsAsync(ErrorCode.FileNotFound, () => client.SetOwnerAsync("/nope", "alice", null));
        await FailsAsync(ErrorCode.InvalidArgument, () => client.SetPermissionAsync("/f", 0b1_000_000_000_000));   // 010000
        await FailsAsync(ErrorCode.InvalidArgument, () => client.SetOwnerAsync("/f", null, null));
        await FailsAsync(ErrorCode.InvalidArgument, () => client.SetOwnerAsync("/f", "", null));
        await FailsAsync(ErrorCode.InvalidPath, () => client.SetTimesAsync("relative/path", Modified, null));

        var unchanged = await client.GetFileInfoAsync("/f").WaitAsync(Timeout);
        Assert.Equal(0b110_100_100u, unchanged.Permission);
        Assert.Equal(unchanged.ModificationTimeMs, unchanged.AccessTimeMs);
    }

    [Fact]
    public async Task ReadingAFileLeavesItsAccessTimeAlone()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(1);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        await using (var output = await client.CreateAsync("/read/f", new CreateFileOptions { Replication = 1, CreateParents = true }).WaitAsync(Timeout))
        {
            await output.WriteAsync(data).AsTask().WaitAsync(Timeout);
            await output.CloseAsync().WaitAsync(Timeout);
        }
        await client.SetTimesAsync("/read/f", Modified, Accessed).WaitAsync(Timeout);

        await using (var input = await client.OpenAsync("/read/f").WaitAsync(Timeout))
        {
            var back = new byte[data.Length];
            Assert.Equal(data.Length, await input.ReadAtAsync(0, back).WaitAsync(Timeout));
            Assert.Equal(data, back);
        }
        await foreach (var _ in client.ListAsync("/read"))
        {
        }

        var status = await client.GetFileInfoAsync("/read/f").WaitAsync(Timeout);
        Assert.Equal((Modified.ToUnixTimeMilliseconds(), Accessed.ToUnixTimeMilliseconds()), (status.ModificationTimeMs, status.AccessTimeMs));
    }

    private static async Task AssertAttributesAsync(CkptFsClient client)
    {
        var file = await client.GetFileInfoAsync("/attrs/dir/g").WaitAsync(Timeout);
        Assert.Equal(Modified.ToUnixTimeMilliseconds(), file.ModificationTimeMs);
        Assert.Equal(Accessed.ToUnixTimeMilliseconds(), file.AccessTimeMs);
        Assert.Equal(0b110_000_000u, file.Permission);
        Assert.Equal(("alice", "ml-team"), (file.Owner, file.Group));
        var directory = await client.GetFileInfoAsync("/attrs/dir").WaitAsync(Timeout);
        Assert.Equal(0b011_111_101_101u, directory.Permission);
        Assert.Equal(("bob", "staff"), (directory.Owner, directory.Group));
    }

    private static async Task FailsAsync(ErrorCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<CkptFsException>(() => call().WaitAsync(Timeout));
        Assert.Equal(code, error.Code);
    }
}
