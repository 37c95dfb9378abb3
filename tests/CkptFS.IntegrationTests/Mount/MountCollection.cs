namespace CkptFS.IntegrationTests.Mount;

/// <summary>
/// Every test of a real kernel mount: one at a time (mounts, clusters and the 2 cores of CI), the
/// shared cluster started once. Each test mounts and unmounts its own folder (CkptFsMount, which
/// cannot hang on the way out) and runs every program on the mount as a child process with a
/// timeout: the test process itself never touches a mounted path, so a stuck mount fails a test
/// instead of hanging the run.
/// </summary>
[CollectionDefinition("mount", DisableParallelization = true)]
public sealed class MountCollection : ICollectionFixture<ClusterFixture>
{
}
