using System.Diagnostics;

namespace CkptFS.Testing;

/// <summary>
/// A tiny tmpfs mounted on a fresh folder: the cheapest real full disk (ENOSPC from the kernel, not a
/// mock). Needs root or CAP_SYS_ADMIN; <see cref="UnavailableReason"/> says why not when it cannot work.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private static readonly Lazy<string?> _unavailableReason = new(ProbeMount);

    private TmpfsMount(string path)
    {
        Path = path;
    }

    /// <summary>Null when mounting works here, else why not (shown as the skip reason).</summary>
    public static string? UnavailableReason => _unavailableReason.Value;

    public string Path { get; }

    public static TmpfsMount Create(int sizeKiB)
    {
        var path = Directory.CreateTempSubdirectory("ckptfs-tmpfs-").FullName;
        var error = RunTool("mount", "-t", "tmpfs", "-o", $"size={sizeKiB}k", "tmpfs", path);
        if (error is not null)
        {
            Directory.Delete(path);
            throw new InvalidOperationException(error);
        }

        return new TmpfsMount(path);
    }

    /// <summary>Takes every free byte with a file named "filler": the next write here fails with ENOSPC.</summary>
    public void Fill()
    {
        var chunk = new byte[64 * 1024];
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }

    public void Dispose()
    {
        var error = RunTool("umount", Path);
        if (error is not null)
        {
            throw new InvalidOperationException(error);
        }

        Directory.Delete(Path);
    }

    private static string? ProbeMount()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs needs Linux";
        }

        try
        {
            Create(sizeKiB: 64).Dispose();
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {exception.Message}";
        }
    }

    /// <summary>Runs a tool to completion (10 s at most); null on success, else its error text.</summary>
    private static string? RunTool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            return $"{tool} {string.Join(' ', arguments)} did not finish in 10 s";
        }

        return process.ExitCode == 0 ? null : $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result.Trim()}";
    }
}
