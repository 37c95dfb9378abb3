using CkptFS.Mount.Paths;
using Xunit;

namespace CkptFS.Mount.Tests;

public sealed class MountPathsTests
{
    [Theory]
    [InlineData("/", "/", "/")]
    [InlineData("/", "/a/b", "/a/b")]
    [InlineData("/data", "/", "/data")]
    [InlineData("/data/", "/a", "/data/a")]
    [InlineData("/", "/jobs/llm/.pending/step-5/model.pt", "/jobs/llm/.pending/step-00000005/model.pt")]
    [InlineData("/", "/jobs/llm/step-00000042", "/jobs/llm/step-00000042")]
    [InlineData("/", "/jobs/llm/step-x", "/jobs/llm/step-x")]
    [InlineData("/", "/jobs/llm/step-", "/jobs/llm/step-")]
    public void MapsMountPathsUnderTheRootWithCanonicalSteps(string root, string mountPath, string remote) =>
        Assert.Equal(remote, new MountPaths(root).ToRemote(mountPath));

    [Fact]
    public void FilesUnderAPendingStepAreShards()
    {
        var paths = new MountPaths("/ckpt");
        var shard = paths.AsPendingShard("/jobs/llm/.pending/step-7/optim/rank-0.pt");
        Assert.Equal(new PendingShard("/ckpt/jobs/llm", 7, "optim/rank-0.pt"), shard);
        Assert.Null(paths.AsPendingShard("/jobs/llm/.pending/step-7"));
        Assert.Null(paths.AsPendingShard("/jobs/llm/.pending/step-7/.ckpt-shards/x.json"));
        Assert.Null(paths.AsPendingShard("/jobs/llm/step-7/model.pt"));
        Assert.Null(paths.AsPendingShard("/.pending/step-7/model.pt"));
    }

    [Fact]
    public void RenamingAPendingStepToItsJobIsACommit()
    {
        var paths = new MountPaths("/");
        Assert.Equal(new CheckpointCommit("/jobs/llm", 5, 5), paths.AsCommit("/jobs/llm/.pending/step-5", "/jobs/llm/step-5"));
        Assert.Equal(new CheckpointCommit("/jobs/llm", 5, 6), paths.AsCommit("/jobs/llm/.pending/step-00000005", "/jobs/llm/step-6"));
        Assert.Null(paths.AsCommit("/jobs/llm/.pending/step-5", "/jobs/other/step-5"));
        Assert.Null(paths.AsCommit("/jobs/llm/.pending/step-5", "/jobs/llm/renamed"));
        Assert.Null(paths.AsCommit("/jobs/llm/tmp", "/jobs/llm/step-5"));
    }

    [Fact]
    public void RecognizesCommittedContentAndTheLatestLink()
    {
        var paths = new MountPaths("/");
        Assert.Equal(("/jobs/llm", 3UL), paths.AsCommittedContent("/jobs/llm/step-3/model.pt"));
        Assert.Null(paths.AsCommittedContent("/jobs/llm/.pending/step-3/model.pt"));
        Assert.Null(paths.AsCommittedContent("/jobs/llm/step-3"));
        Assert.Equal("/jobs/llm", paths.AsLatestLink("/jobs/llm/latest"));
        Assert.Null(paths.AsLatestLink("/jobs/llm/latest2"));
    }
}
