using CkptFS.Client;
using CkptFS.Common;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// Best-effort removal of what an abandoned transfer left in CkptFS (a NAME._COPYING_, a pending
/// step). Deleting an open file releases its lease. Bounded: a NameNode that went away must not
/// hold an interrupted command; the NameNode's lease recovery and janitor collect what is left.
/// </summary>
internal static class RemoteCleanup
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task DeleteQuietlyAsync(CkptFsClient client, string path, bool recursive = false)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await client.DeleteAsync(path, recursive, timeout.Token);
        }
        catch (Exception e) when (e is CkptFsException or OperationCanceledException)
        {
            // Left for the NameNode's lease recovery; the caller reports the transfer's own error.
        }
    }
}
