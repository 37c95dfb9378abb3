using System.Runtime.InteropServices;

namespace CkptFS.Cli;

/// <summary>
/// SIGINT and SIGTERM cancel the running command's token instead of ending the process, so a
/// transfer abandons cleanly: its temporary file deleted (which releases the lease), its pending
/// shards removed, its local temporary files deleted. The exit code is then 128 + the signal's
/// number (130, 143), as a shell reports a process the signal ended. A second signal, or the first
/// one after <see cref="CleanupTimeout"/>, ends the process at once: cleanup never holds a user hostage.
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    /// <summary>Long enough for a mount to complete its open files and unmount.</summary>
    public static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(45);

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public SignalCancellation()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Received => Volatile.Read(ref _received) switch { 0 => null, var s => (PosixSignal)s };

    /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode(PosixSignal signal) => signal == PosixSignal.SIGTERM ? 143 : 130;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;   // the process goes on: the command's cleanup runs
        if (Interlocked.CompareExchange(ref _received, (int)context.Signal, 0) != 0)
        {
            Environment.Exit(ExitCode(Received!.Value));
        }
        _cancellation.Cancel();
        _ = Task.Delay(CleanupTimeout).ContinueWith(_ => Environment.Exit(ExitCode(context.Signal)), TaskScheduler.Default);
    }
}
