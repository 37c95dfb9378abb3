using System.Diagnostics;
using Xunit;

namespace CkptFS.Protocol.Tests;

/// <summary>
/// Debian's grpcio as the reference implementation. Python stubs are generated for this run into
/// a temp folder (never committed) from the repository's protos with Debian's grpc_tools protoc.
/// health.proto is generated from a copy under another folder: its proto path starts with
/// "grpc/", which would shadow the real grpc package on import. The service's wire name
/// (grpc.health.v1.Health) comes from the proto package, so it does not change.
/// </summary>
public sealed class PythonFixture : IDisposable
{
    /// <summary>Debian's interpreter: the python3 on PATH may be another one, without grpcio.</summary>
    public const string Python = "/usr/bin/python3";

    public static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    public PythonFixture()
    {
        RepoRoot = FindRepoRoot();
        StubsDir = Directory.CreateTempSubdirectory("ckptfs-grpc-stubs-").FullName;
        var healthSource = Path.Combine(StubsDir, "src", "health_v1");
        Directory.CreateDirectory(healthSource);
        // The standard health.proto (grpc.health.v1), the copy the Node interop client loads: the C# side takes it from Grpc.HealthCheck.
        File.Copy(Path.Combine(RepoRoot, "tests", "interop", "node", "protos", "grpc", "health", "v1", "health.proto"), Path.Combine(healthSource, "health.proto"));
        Protoc(Path.Combine(RepoRoot, "protos"), Path.Combine(RepoRoot, "protos", "ckptfs", "testing", "v1", "interop.proto"));
        Protoc(Path.Combine(StubsDir, "src"), Path.Combine(healthSource, "health.proto"));
    }

    public string RepoRoot { get; }

    public string StubsDir { get; }

    public string Script(string name) => Path.Combine(RepoRoot, "tests", "CkptFS.Protocol.Tests", "python", name);

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Runs a process to its end within <see cref="ProcessTimeout"/>, killing it by PID otherwise.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProcessTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(' ', info.ArgumentList)} (pid {process.Id}) ran past {ProcessTimeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => Directory.Delete(StubsDir, recursive: true);

    private void Protoc(string protoRoot, string proto)
    {
        var (exitCode, stdout, stderr) = Run(StartInfo("-m", "grpc_tools.protoc", "-I", protoRoot, "--python_out=" + StubsDir, "--grpc_python_out=" + StubsDir, proto));
        Assert.True(exitCode == 0, $"protoc for {proto} failed ({exitCode}): {stdout}{stderr}");
    }

    /// <summary>The folder holding CkptFS.sln, found by walking up from the test assembly.</summary>
    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CkptFS.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no CkptFS.sln above {AppContext.BaseDirectory}");
    }
}
