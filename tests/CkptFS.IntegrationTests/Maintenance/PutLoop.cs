using System.Diagnostics;
using CkptFS.Client;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Maintenance;

/// <summary>
/// Puts files one after another (pattern data seeded by the file's number, replication and block size
/// given) until stopped, recording each put's time and every failure; then reads every file back.
/// </summary>
internal sealed class PutLoop(CkptFsClient client, string directory, int fileBytes, int blockBytes, int replication, int maxFiles = int.MaxValue)
{
    private const int ChunkBytes = 1024 * 1024;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly List<TimeSpan> _durations = [];
    private Task _loop = Task.CompletedTask;

    public int Completed
    {
        get
        {
            lock (_durations)
            {
                return _durations.Count;
            }
        }
    }

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>The slowest put: the longest a writer was held up.</summary>
    public TimeSpan Longest => Durations() is { Count: > 0 } all ? all.Max() : TimeSpan.Zero;

    public TimeSpan Median => Durations() is { Count: > 0 } all ? all.Order().ElementAt(all.Count / 2) : TimeSpan.Zero;

    private List<TimeSpan> Durations()
    {
        lock (_durations)
        {
            return [.. _durations];
        }
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>True while a put is running or due.</summary>
    public bool Running => !_loop.IsCompleted;

    /// <summary>Waits until at least <paramref name="count"/> more puts completed (bounded).</summary>
    public async Task WaitForMoreAsync(int count, TimeSpan timeout)
    {
        var target = Completed + count;
        var stopwatch = Stopwatch.StartNew();
        while (Completed < target)
        {
            Assert.True(stopwatch.Elapsed < timeout, $"Only {Completed} of {target} puts completed within {timeout}; failures: {string.Join("; ", Failures)}");
            Assert.False(_loop.IsCompleted, $"The put loop ended: {_loop.Exception}");
            await Task.Delay(50);
        }
    }

    public async Task StopAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(timeout);
    }

    /// <summary>Every completed file reads back byte for byte.</summary>
    public async Task AssertAllReadBackAsync(TimeSpan timeout)
    {
        for (var i = 0; i < Completed; i++)
        {
            var path = PathOf(i);
            await using var input = await client.OpenAsync(path).WaitAsync(timeout);
            var actual = new byte[fileBytes + 1];
            var read = 0;
            int n;
            while ((n = await input.ReadAsync(actual.AsMemory(read)).AsTask().WaitAsync(timeout)) > 0)
            {
                read += n;
            }
            Assert.Equal(fileBytes, read);
            Assert.True(PatternData.FirstMismatch(i, 0, actual.AsSpan(0, read)) < 0, $"{path} differs from what was put.");
        }
    }

    private string PathOf(int i) => $"{directory}/f{i:D4}.bin";

    private async Task RunAsync()
    {
        var buffer = new byte[ChunkBytes];
        for (var i = 0; i < maxFiles && !_stop.IsCancellationRequested; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var output = await client.CreateAsync(PathOf(i), new CreateFileOptions { BlockSizeBytes = blockBytes, Replication = replication, CreateParents = true });
                await using (output)
                {
                    for (long offset = 0; offset < fileBytes; offset += ChunkBytes)
                    {
                        var length = (int)Math.Min(ChunkBytes, fileBytes - offset);
                        PatternData.Fill(i, offset, buffer.AsSpan(0, length));
                        await output.WriteAsync(buffer.AsMemory(0, length));
                    }
                    await output.CloseAsync();
                }
                lock (_durations)
                {
                    _durations.Add(stopwatch.Elapsed);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The loop ends at its first failure: files f0000 up to Completed - 1 are the ones put.
                lock (_failures)
                {
                    _failures.Add($"{PathOf(i)}: {exception.GetType().Name}: {exception.Message}");
                }
                return;
            }
        }
    }
}
