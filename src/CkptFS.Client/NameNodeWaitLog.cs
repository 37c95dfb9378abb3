using Microsoft.Extensions.Logging;

namespace CkptFS.Client;

/// <summary>What a call logs while it waits for the NameNode: Warning when it starts waiting (the caller only sees a slow call), Information when the NameNode is back.</summary>
internal static partial class NameNodeWaitLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning,
        Message = "{Call}: the NameNode at {Address} is away ({Reason}); retrying with back-off for up to {WaitSeconds} s")]
    public static partial void Waiting(ILogger logger, string call, string address, string reason, double waitSeconds);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information,
        Message = "{Call}: the NameNode at {Address} answered after {WaitedSeconds} s and {Retries} retries")]
    public static partial void Back(ILogger logger, string call, string address, double waitedSeconds, int retries);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning,
        Message = "{Call}: gave up waiting for the NameNode at {Address} after {WaitedSeconds} s and {Retries} retries ({Reason})")]
    public static partial void GaveUp(ILogger logger, string call, string address, double waitedSeconds, int retries, string reason);
}
