using CkptFS.Common;

namespace CkptFS.NameNode.Tests;

internal static class NamespaceAssert
{
    /// <summary>Awaits <paramref name="call"/> (bounded) and checks it failed with <paramref name="code"/>; returns the message.</summary>
    public static async Task<string> FailsAsync(ErrorCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<CkptFsException>(() => call().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(code, error.Code);
        return error.Message;
    }
}
