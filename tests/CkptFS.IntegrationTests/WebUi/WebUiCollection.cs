namespace CkptFS.IntegrationTests.WebUi;

/// <summary>
/// The web UI's test classes run one after another, not beside each other: each starts a cluster
/// and two of them a browser, and the machines this runs on have few cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WebUiCollection
{
    public const string Name = "WebUi";
}
