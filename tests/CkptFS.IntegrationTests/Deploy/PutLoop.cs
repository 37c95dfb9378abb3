using System.Globalization;
using System.Text.RegularExpressions;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// Puts one new file after another from the client container until stopped, as a training job
/// writing checkpoints through a disruption: each file 4 MiB of random bytes in 1 MiB blocks
/// (four pipelines per file), replication 2, its SHA-256 kept in the container. Each put prints
/// "PUT i ok|FAIL milliseconds"; a failed put's error follows as "ERR ..." lines, and a put slower
/// than 10 s is followed by the client's last messages ("SLOW ...": what it waited for).
/// Verify reads every file that was put back in one `ckptfs get` and checks the sums.
/// </summary>
internal sealed partial class PutLoop : IDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromMinutes(3);
    private readonly ClientContainer _client;
    private readonly string _tag;
    private readonly ChildProcess _process;

    private PutLoop(ClientContainer client, string tag)
    {
        _client = client;
        _tag = tag;
        _process = client.StartSh(LoopScript, tag);
    }

    /// <summary>The CkptFS directory the loop writes into.</summary>
    public string Directory => $"/loop/{_tag}";

    public static PutLoop Start(ClientContainer client, string tag) => new(client, tag);

    /// <summary>Lets the put in flight finish, then returns every put's outcome.</summary>
    public async Task<PutLoopResult> StopAsync()
    {
        (await _client.ShAsync("touch \"/tmp/stop-$1\"", TimeSpan.FromMinutes(1), _tag)).EnsureSuccess("stop the put loop");
        var exit = await _process.WaitForExitAsync(s_stopTimeout);
        var output = _process.Stdout;
        if (exit != 0 || !output.Contains("LOOP DONE", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"put loop {_tag} exited {exit}.\nstdout:\n{output}\nstderr:\n{_process.Stderr}");
        }
        var puts = PutLine().Matches(output).Select(m => new PutRecord(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m.Groups[2].Value == "ok",
            TimeSpan.FromMilliseconds(long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))).ToList();
        return new PutLoopResult(puts, output);
    }

    /// <summary>Reads back every file the loop put; throws naming each one that differs or is missing.</summary>
    public async Task<int> VerifyAsync()
    {
        var result = await _client.ShAsync(VerifyScript, TimeSpan.FromMinutes(3), _tag);
        var verified = VerifiedLine().Match(result.Stdout);
        if (result.ExitCode != 0 || !verified.Success)
        {
            throw new InvalidOperationException($"files of put loop {_tag} do not read back identical (exit {result.ExitCode}).\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}");
        }
        return int.Parse(verified.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public void Dispose() => _process.Dispose();

    // $1 tag. The sums file lists only the files whose put succeeded.
    private const string LoopScript = """
        tag=$1; i=0
        mkdir -p "/tmp/loop-$tag"; : > "/tmp/loop-$tag.sums"
        while [ ! -e "/tmp/stop-$tag" ]; do
          i=$((i + 1))
          head -c 4194304 /dev/urandom > "/tmp/loop-$tag/src"
          start=$(date +%s%3N)
          if ckptfs put -q -r 2 --block-size 1M "/tmp/loop-$tag/src" "/loop/$tag/f$i" 2> "/tmp/loop-$tag/err"; then result=ok; else result=FAIL; fi
          end=$(date +%s%3N)
          echo "PUT $i $result $((end - start))"
          if [ "$result" = ok ]; then
            echo "$(sha256sum < "/tmp/loop-$tag/src" | cut -c1-64)  f$i" >> "/tmp/loop-$tag.sums"
          else
            sed 's/^/ERR /' "/tmp/loop-$tag/err" | tail -n 5
          fi
          if [ $((end - start)) -gt 10000 ]; then
            sed -n 's/.*"RenderedMessage":"\(.*\)","Properties".*/SLOW \1/p' "/tmp/loop-$tag/err" | cut -c1-300 | tail -n 4
          fi
        done
        echo "LOOP DONE $i"
        """;

    // $1 tag. One get of the whole directory, then sha256sum -c of every file that was put.
    private const string VerifyScript = """
        tag=$1
        rm -rf "/tmp/verify-$tag"; mkdir -p "/tmp/verify-$tag"
        ckptfs get -q "/loop/$tag" "/tmp/verify-$tag"
        cd "/tmp/verify-$tag/$tag"
        sha256sum -c --quiet "/tmp/loop-$tag.sums"
        echo "VERIFIED $(wc -l < "/tmp/loop-$tag.sums")"
        rm -rf "/tmp/verify-$tag"
        """;

    [GeneratedRegex(@"^PUT (\d+) (ok|FAIL) (\d+)$", RegexOptions.Multiline)]
    private static partial Regex PutLine();

    [GeneratedRegex(@"VERIFIED (\d+)")]
    private static partial Regex VerifiedLine();
}
