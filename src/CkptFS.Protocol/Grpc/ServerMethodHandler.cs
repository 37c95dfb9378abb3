namespace CkptFS.Protocol.Grpc;

/// <summary>
/// One registered method, typed away so the dispatcher can hold them all in one dictionary. It
/// reads the request message(s), runs the application handler and writes the response
/// message(s); the dispatcher owns everything else (validation, deadline, status).
/// </summary>
internal abstract class ServerMethodHandler
{
    protected ServerMethodHandler(string fullName, MethodType type)
    {
        FullName = fullName;
        Type = type;
    }

    public string FullName { get; }

    public MethodType Type { get; }

    public abstract Task HandleAsync(ServerCallContext call);
}
