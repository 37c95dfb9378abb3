using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The namespace core on a real RocksDB store in a temp folder, with a fake clock. <see cref="Restart"/>
/// closes everything and loads it back from disk, as a NameNode restart does.
/// </summary>
public sealed class NamespaceHarness : IDisposable
{
    private readonly TempDirectory _directory = new("ckptfs-ns");
    private RocksMetadataStore _store = null!;
    private GroupCommitter _committer = null!;

    public NamespaceHarness(NamespaceOptions? options = null)
    {
        Options = options ?? new NamespaceOptions();
        Open();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public NamespaceOptions Options { get; }

    public FsNamespace Fs { get; private set; } = null!;

    public GroupCommitter Committer => _committer;

    public void Restart()
    {
        Close();
        Open();
    }

    public Task<NamespaceEntry> MkdirAsync(string path, bool parents = false) => Fs.MkdirsAsync(FsPath.Parse(path), parents);

    public Task<NamespaceEntry> CreateAsync(string path, string holder = "client-a", bool overwrite = false, bool parents = false) =>
        Fs.CreateAsync(new CreateFileRequest(FsPath.Parse(path), holder, overwrite, parents));

    public async Task<NamespaceEntry> TouchAsync(string path, string holder = "client-a")
    {
        await CreateAsync(path, holder);
        return await Fs.CompleteAsync(FsPath.Parse(path), holder);
    }

    public Task<NamespaceEntry> RenameAsync(string source, string destination, bool overwrite = false) =>
        Fs.RenameAsync(FsPath.Parse(source), FsPath.Parse(destination), overwrite);

    public Task<DeleteResult> DeleteAsync(string path, bool recursive = false) => Fs.DeleteAsync(FsPath.Parse(path), recursive);

    public bool Exists(string path) => Fs.Current.Find(FsPath.Parse(path)) is not null;

    /// <summary>Every inode as one line (path, kind, id and attributes), in path order: equal dumps mean equal namespaces.</summary>
    public IReadOnlyList<string> Dump()
    {
        var lines = new List<string>();
        void Walk(string path, Inode inode)
        {
            lines.Add(inode switch
            {
                FileInode f => $"{path} file id={f.Id} len={f.Length} rep={f.Replication} bs={f.BlockSize} holder={f.LeaseHolder} mtime={f.ModificationTimeMs} mode={f.Permission} owner={f.Owner}",
                DirectoryInode d => $"{path} dir id={d.Id} mtime={d.ModificationTimeMs} mode={d.Permission} owner={d.Owner}",
                _ => throw new InvalidOperationException(),
            });
            if (inode is DirectoryInode directory)
            {
                foreach (var (name, child) in directory.Children)
                {
                    Walk(path == "/" ? "/" + name : path + "/" + name, child);
                }
            }
        }
        Walk("/", Fs.Current.Root);
        return lines;
    }

    public void Dispose()
    {
        Close();
        _directory.Dispose();
    }

    private void Open()
    {
        _store = new RocksMetadataStore(_directory.Combine("metadata"));
        _committer = new GroupCommitter(_store, _store.Load(), Time, NullLogger<GroupCommitter>.Instance);
        Fs = new FsNamespace(_committer, Options);
    }

    private void Close()
    {
        _committer.Dispose();
        _store.Dispose();
    }
}
