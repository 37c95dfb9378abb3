using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CkptFS.NameNode.Audit;

/// <summary>
/// The source and destination of a request, read by field name from its protobuf descriptor (once
/// per message type, then cached), so that no handler has to report them: the source is the first
/// of <c>path</c>, <c>source</c>, <c>job</c>; the destination the first of <c>destination</c>, <c>rename_to</c>.
/// </summary>
internal static class AuditPaths
{
    private static readonly string[] SourceFields = ["path", "source", "job"];
    private static readonly string[] DestinationFields = ["destination", "rename_to"];
    private static readonly ConcurrentDictionary<MessageDescriptor, (FieldDescriptor? Source, FieldDescriptor? Destination)> Fields = new();

    public static (string? Source, string? Destination) Of(object request)
    {
        if (request is not IMessage message)
        {
            return (null, null);
        }
        var (source, destination) = Fields.GetOrAdd(message.Descriptor, static d => (Find(d, SourceFields), Find(d, DestinationFields)));
        return (ValueOf(source, message), ValueOf(destination, message));
    }

    private static FieldDescriptor? Find(MessageDescriptor descriptor, string[] names)
    {
        foreach (var name in names)
        {
            if (descriptor.FindFieldByName(name) is { FieldType: FieldType.String, IsRepeated: false } field)
            {
                return field;
            }
        }
        return null;
    }

    private static string? ValueOf(FieldDescriptor? field, IMessage message) =>
        field?.Accessor.GetValue(message) is string { Length: > 0 } value ? value : null;
}
