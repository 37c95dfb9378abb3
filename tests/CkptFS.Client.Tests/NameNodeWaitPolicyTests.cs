using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CkptFS.Common;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.Client.Tests;

/// <summary>The back-off of a call waiting for the NameNode, and when it gives up: deterministic (fixed jitter, a fake clock).</summary>
public sealed class NameNodeWaitPolicyTests
{
    private static readonly TimeSpan Ms200 = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan S2 = TimeSpan.FromSeconds(2);

    [Fact]
    public void StepsDoubleFrom200MsAndAreCappedAt2S()
    {
        var policy = new NameNodeWaitPolicy(TimeSpan.FromMinutes(2), Ms200, S2, () => 0.999_999);
        Assert.Equal([200, 400, 800, 1600, 2000, 2000], Enumerable.Range(0, 6).Select(i => policy.Step(i).TotalMilliseconds));
        Assert.Equal(S2, policy.Step(1000)); // no overflow however long the outage
    }

    [Theory]
    [InlineData(0.0, 100)]   // half of the step
    [InlineData(0.5, 150)]
    [InlineData(1.0, 200)]   // the whole step
    public void JitterDrawsEachDelayFromHalfToAllOfItsStep(double sample, double expectedMs)
    {
        var policy = new NameNodeWaitPolicy(TimeSpan.FromMinutes(2), Ms200, S2, () => sample);
        Assert.Equal(expectedMs, policy.NextDelay(0, TimeSpan.Zero)!.Value.TotalMilliseconds, 3);
    }

    [Fact]
    public void TheLastDelayEndsAtTheDeadlineAndThenItGivesUp()
    {
        var policy = new NameNodeWaitPolicy(TimeSpan.FromSeconds(4), Ms200, S2, () => 1.0);
        var waited = TimeSpan.Zero;
        var delays = new List<TimeSpan>();
        for (var retry = 0; policy.NextDelay(retry, waited) is { } delay; retry++)
        {
            delays.Add(delay);
            waited += delay;
            Assert.True(retry < 100, "never gives up");
        }
        Assert.Equal([200, 400, 800, 1600, 2000 - 1000], delays.Select(d => d.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(4), waited);
        Assert.Null(policy.NextDelay(0, TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public void ADefaultTwoMinuteWaitRetriesAboutEveryTwoSecondsOnceItIsLong()
    {
        var policy = NameNodeWaitPolicy.For(new CkptFsClientOptions { NameNodeWait = CkptFsClientOptions.DefaultNameNodeWait });
        var random = new Random(42);
        var fixedJitter = new NameNodeWaitPolicy(policy.Wait, policy.FirstBackoff, policy.MaxBackoff, random.NextDouble);
        var waited = TimeSpan.Zero;
        var retries = 0;
        while (fixedJitter.NextDelay(retries, waited) is { } delay)
        {
            Assert.InRange(delay, TimeSpan.Zero, S2);
            waited += delay;
            retries++;
        }
        Assert.Equal(TimeSpan.FromMinutes(2), waited);
        Assert.InRange(retries, 60, 125); // 1-2 s apart once past the first steps: a NameNode back is seen within 2 s
    }

    [Fact]
    public void AZeroWaitNeverRetries() =>
        Assert.Null(new NameNodeWaitPolicy(TimeSpan.Zero, Ms200, S2).NextDelay(0, TimeSpan.Zero));

    [Fact]
    public void BadSettingsAreRefusedWithTheirNames()
    {
        Assert.Contains("NameNodeWait", Assert.Throws<ArgumentOutOfRangeException>(() => new NameNodeWaitPolicy(TimeSpan.FromSeconds(-1), Ms200, S2)).Message, StringComparison.Ordinal);
        Assert.Contains("RetryBackoffMax", Assert.Throws<ArgumentOutOfRangeException>(() => new NameNodeWaitPolicy(S2, S2, Ms200)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("120", 120_000)]
    [InlineData("0.5", 500)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:02:00", 120_000)]
    [InlineData("0", 0)]
    public void WaitsParseAsTheCliAndTheEnvironmentGiveThem(string text, double expectedMs) =>
        Assert.Equal(expectedMs, CkptFsClientOptions.ParseWait(text, "--namenode-wait").TotalMilliseconds);

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("")]
    public void AWaitThatIsNoDurationIsRefusedNamingItsSource(string text) =>
        Assert.Contains("CKPTFS_NAMENODE_WAIT", Assert.Throws<ArgumentException>(() => CkptFsClientOptions.ParseWait(text, "CKPTFS_NAMENODE_WAIT")).Message, StringComparison.Ordinal);

    /// <summary>A NameNode that never comes back (nothing listens on the port): the call retries on a fake clock and gives up at NameNodeWait, saying so.</summary>
    [Fact]
    public async Task ACallGivesUpAfterNameNodeWaitAndSaysHowLongItWaited()
    {
        var time = new FakeTimeProvider();
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = $"127.0.0.1:{ClosedPort()}", NameNodeWait = TimeSpan.FromSeconds(10), TimeProvider = time });
        var call = client.GetFileInfoAsync("/x");
        var stopwatch = Stopwatch.StartNew();
        while (!call.IsCompleted && stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(100)); // 10 s of fake time in about 100 steps
        }
        var error = await Assert.ThrowsAsync<CkptFsException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("Cannot reach the NameNode", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"Gave up after waiting 10(\.\d)? s \(\d+ retries; NameNodeWait 10 s", error.Message);
        Assert.Contains("CKPTFS_NAMENODE_WAIT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoWaitACallFailsAtOnceAsBefore()
    {
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = $"127.0.0.1:{ClosedPort()}", NameNodeWait = TimeSpan.Zero });
        var error = await Assert.ThrowsAsync<CkptFsException>(() => client.GetFileInfoAsync("/x").WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.DoesNotContain("Gave up", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
