using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.WebUi;

/// <summary>GETs of a cluster's HTTP ports (the NameNode's /api/v1 and a DataNode's), bounded, as a script would.</summary>
internal static class WebUiHttp
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(20) };

    public static string NameNodeHttp(LocalClusterProcesses cluster) =>
        "http://" + cluster.State().GetProperty("nameNode").GetProperty("httpAddress").GetString();

    public static string DataNodeHttp(LocalClusterProcesses cluster, string name) =>
        "http://" + cluster.State().GetProperty("dataNodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name).GetProperty("httpAddress").GetString();

    public static async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode}\n{body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<(int Status, JsonElement Body)> GetErrorAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public static async Task<JsonElement> CliJsonAsync(LocalClusterProcesses cluster, params string[] arguments) =>
        JsonDocument.Parse((await cluster.CliAsync(arguments)).EnsureSuccess().Stdout).RootElement.Clone();

    /// <summary>Asserts that <paramref name="element"/> has exactly these properties, each of its JSON kind (a schema check; True stands for either boolean).</summary>
    public static void HasShape(JsonElement element, params (string Name, JsonValueKind Kind)[] properties)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        Assert.Equal(properties.Select(p => p.Name).Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var (name, kind) in properties)
        {
            var actual = element.GetProperty(name).ValueKind;
            Assert.True(actual == kind || (kind == JsonValueKind.True && actual == JsonValueKind.False), $"{name}: {actual}, expected {kind}");
        }
    }
}
