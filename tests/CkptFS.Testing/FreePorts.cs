using System.Net;
using System.Net.Sockets;

namespace CkptFS.Testing;

/// <summary>Ports for processes a test starts on a port of its choosing (a restart on the same port).</summary>
public static class FreePorts
{
    /// <summary>A loopback port nothing listens on now: bound, then released.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
