using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace CkptFS.Testing;

/// <summary>
/// One scrape of a /metrics endpoint as Prometheus makes it (text format 0.0.4), parsed as far as
/// tests need: each family's <c># TYPE</c> and each sample's labels and value.
/// </summary>
public sealed partial class PrometheusScrape
{
    private PrometheusScrape(IReadOnlyDictionary<string, string> types, IReadOnlyList<PrometheusSample> samples, string text)
    {
        Types = types;
        Samples = samples;
        Text = text;
    }

    /// <summary>Family name → counter, gauge, histogram...</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The whole response, for failure messages.</summary>
    public string Text { get; }

    /// <summary>GETs http://<paramref name="hostPort"/>/metrics with the Accept header of a Prometheus server that wants the text format.</summary>
    public static async Task<PrometheusScrape> GetAsync(string hostPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{hostPort}/metrics");
        request.Headers.Accept.ParseAdd("text/plain;version=0.0.4;q=0.9,*/*;q=0.1");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var contentType = response.Content.Headers.ContentType?.ToString() ?? "";
        Assert.StartsWith("text/plain; version=0.0.4", contentType, StringComparison.Ordinal);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static PrometheusScrape Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                types.Add(type.Groups["name"].Value, type.Groups["type"].Value);
            }
            else if (!line.StartsWith('#'))
            {
                var sample = SampleLine().Match(line);
                Assert.True(sample.Success, $"Not a Prometheus sample line: '{line}'");
                var labels = LabelPair().Matches(sample.Groups["labels"].Value)
                    .ToDictionary(label => label.Groups["key"].Value, label => Regex.Unescape(label.Groups["value"].Value), StringComparer.Ordinal);
                samples.Add(new PrometheusSample(sample.Groups["name"].Value, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
        }
        return new PrometheusScrape(types, samples, text);
    }

    /// <summary>The value of the one sample named <paramref name="name"/> (with <paramref name="labels"/>, when given); fails when there is none or more than one.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(matches.Count == 1, $"Expected one sample of {name} {string.Join(',', labels)}, found {matches.Count} in:\n{Text}");
        return matches[0].Value;
    }

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
