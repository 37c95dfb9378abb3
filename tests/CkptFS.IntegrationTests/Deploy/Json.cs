using System.Text.Json;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>Short paths through rendered Kubernetes objects.</summary>
internal static class Json
{
    /// <summary>The element at a dotted path ("spec.template.spec"), or null when any step is missing.</summary>
    public static JsonElement? At(this JsonElement element, string path)
    {
        foreach (var step in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(step, out element))
            {
                return null;
            }
        }
        return element;
    }

    public static JsonElement Get(this JsonElement element, string path) =>
        element.At(path) ?? throw new Xunit.Sdk.XunitException($"No '{path}' in {Name(element)}.");

    public static string? Str(this JsonElement element, string path) =>
        element.At(path) is { ValueKind: JsonValueKind.String } found ? found.GetString() : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string path) =>
        element.At(path) is { ValueKind: JsonValueKind.Array } found ? found.EnumerateArray() : [];

    public static string Name(this JsonElement element) =>
        $"{element.Str("kind")}/{element.Str("metadata.name")}";
}
