using CkptFS.Common;
using Microsoft.AspNetCore.Connections;

namespace CkptFS.Protocol.Http;

/// <summary>What a server says when Kestrel cannot bind its port: one line an operator can act on, not a stack trace.</summary>
public static class ListenErrors
{
    /// <summary>The failure to report for <paramref name="exception"/>, or null when it is not a bind failure.</summary>
    public static CkptFsException? Translate(Exception exception, string what, string bindAddress, int port) =>
        exception is IOException { InnerException: AddressInUseException }
            ? new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot serve {what} on {bindAddress}:{port}: the address is in use (is another CkptFS process on this port?). " +
                "Stop it, or choose another port (0 picks a free one).", exception)
            : null;
}
