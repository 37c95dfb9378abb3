using System.Globalization;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// One series of the NameNode's /metrics, scraped from a client container through the NameNode's
/// Service (the host of CKPTFS_NAMENODE, port 9870), as Prometheus would.
/// </summary>
internal static class NameNodeScrape
{
    /// <summary>The value of an unlabelled series, or null when the NameNode serves no such series.</summary>
    public static async Task<double?> ValueAsync(ClientContainer client, string series)
    {
        var result = (await client.ShAsync(Script, TimeSpan.FromSeconds(30), series)).EnsureSuccess($"scrape {series}");
        var value = result.Stdout.Split('\n').Single(l => l.StartsWith("VALUE ", StringComparison.Ordinal))["VALUE ".Length..].Trim();
        return value == "NONE" ? null : double.Parse(value, CultureInfo.InvariantCulture);
    }

    // $1 series.
    private const string Script = HttpGetShell.Function + """
        value=$(http_get "${CKPTFS_NAMENODE%%:*}" 9870 /metrics | tr -d '\r' | awk -v series="$1" '$1 == series { print $2 }')
        echo "VALUE ${value:-NONE}"
        """;
}
