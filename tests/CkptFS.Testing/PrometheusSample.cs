namespace CkptFS.Testing;

/// <summary>One line of a Prometheus text scrape: a series (name and labels) and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
