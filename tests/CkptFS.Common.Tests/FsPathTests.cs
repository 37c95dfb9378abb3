using CkptFS.Common;

namespace CkptFS.Common.Tests;

public class FsPathTests
{
    [Theory]
    [InlineData("/", "/", 0)]
    [InlineData("/a", "/a", 1)]
    [InlineData("/a/b/c", "/a/b/c", 3)]
    [InlineData("/a/b/", "/a/b", 2)]
    [InlineData("/ünïcødé/名前", "/ünïcødé/名前", 2)]
    [InlineData("/a b/.hidden/x..y", "/a b/.hidden/x..y", 3)]
    public void ValidPathsAreNormalized(string input, string expected, int depth)
    {
        var path = FsPath.Parse(input);
        Assert.Equal(expected, path.Value);
        Assert.Equal(depth, path.Depth);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("relative/path", "start with '/'")]
    [InlineData("/a//b", "empty component")]
    [InlineData("//", "empty component")]
    [InlineData("/a/./b", "'.' components")]
    [InlineData("/a/../b", "'..' components")]
    [InlineData("/..", "'..' components")]
    [InlineData("/a\0b", "NUL")]
    public void InvalidPathsAreRejectedWithTheReason(string? input, string reason)
    {
        var error = Assert.Throws<CkptFsException>(() => FsPath.Parse(input));
        Assert.Equal(ErrorCode.InvalidPath, error.Code);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComponentLimitIsInUtf8Bytes()
    {
        Assert.Equal(255, FsPath.Parse("/" + new string('a', 255)).Name.Length);
        Assert.Throws<CkptFsException>(() => FsPath.Parse("/" + new string('a', 256)));
        // 86 three-byte characters are 258 bytes: over the limit though only 86 characters.
        var error = Assert.Throws<CkptFsException>(() => FsPath.Parse("/" + new string('名', 86)));
        Assert.Contains("258 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathLengthAndDepthAreBounded()
    {
        var deep = string.Concat(Enumerable.Repeat("/d", FsPath.MaxDepth + 1));
        Assert.Contains("components", Assert.Throws<CkptFsException>(() => FsPath.Parse(deep)).Message, StringComparison.Ordinal);
        var longPath = string.Concat(Enumerable.Repeat("/" + new string('x', 200), 41));
        Assert.Contains("characters", Assert.Throws<CkptFsException>(() => FsPath.Parse(longPath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParentChildAndAncestry()
    {
        var path = FsPath.Parse("/jobs/llama/step-100");
        Assert.Equal("/jobs/llama", path.Parent.Value);
        Assert.Equal("step-100", path.Name);
        Assert.Equal(FsPath.Root, FsPath.Parse("/jobs").Parent);
        Assert.Equal(FsPath.Root, FsPath.Root.Parent);
        Assert.Equal("/jobs/llama/step-100/shard-0", path.Child("shard-0").Value);
        Assert.Equal("/jobs", path.Ancestor(1).Value);
        Assert.True(path.IsSameOrDescendantOf(FsPath.Parse("/jobs")));
        Assert.True(path.IsSameOrDescendantOf(path));
        Assert.True(path.IsSameOrDescendantOf(FsPath.Root));
        Assert.False(FsPath.Parse("/jobsx/a").IsSameOrDescendantOf(FsPath.Parse("/jobs")));
        Assert.Throws<CkptFsException>(() => path.Child(".."));
        Assert.Throws<CkptFsException>(() => path.Child("a/b"));
    }
}
