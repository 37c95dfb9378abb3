namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// The tests that run containers, one at a time: they share one image build (<see cref="TestImage"/>),
/// and each measures times that a second cluster on the same two cores would distort.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PodmanCollection
{
    public const string Name = "podman";
}
