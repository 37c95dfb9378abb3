using System.Collections.Immutable;
using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// Rebuilds the namespace tree from inode records (which know their parent, not their children),
/// streaming: <see cref="Add"/> turns each file record into its inode as it is read, so that a
/// million records are never held at once (only directory records wait, for their children);
/// <see cref="Build"/> then builds the directories bottom-up. Owners and groups are shared strings
/// (a namespace has a handful; one copy per inode cost 64 bytes per file). Any record that does not
/// hang off the root means the store is damaged: loading stops with an error naming it, rather
/// than serving a namespace with silent holes.
/// </summary>
internal sealed class NamespaceLoader
{
    private readonly Dictionary<ulong, List<Inode>> _filesOf = [];
    private readonly Dictionary<ulong, List<InodeRecord>> _directoriesOf = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, InodeRecord> _directories = [];
    private readonly List<FileInode> _withBlocks = [];
    private readonly List<FileInode> _open = [];
    private InodeRecord? _root;
    private long _records;

    /// <summary>Builds the tree from all <paramref name="records"/> at once (tests, small stores).</summary>
    public static NamespaceTree Build(IEnumerable<InodeRecord> records)
    {
        var loader = new NamespaceLoader();
        foreach (var record in records)
        {
            loader.Add(record);
        }
        return loader.Build();
    }

    public void Add(InodeRecord record)
    {
        _records++;
        record.Owner = Shared(record.Owner);
        record.Group = Shared(record.Group);
        if (record.Id == InodeId.Root.Value)
        {
            _root = record;
            return;
        }
        if (record.Type == FileType.Directory)
        {
            ListOf(_directoriesOf, record.ParentId).Add(record);
            _directories[record.Id] = record;
            return;
        }
        var file = InodeRecords.ToFile(record);
        ListOf(_filesOf, record.ParentId).Add(file);
        if (file.Blocks.Length > 0)
        {
            _withBlocks.Add(file);
        }
        if (file.IsUnderConstruction)
        {
            _open.Add(file);
        }
    }

    /// <summary>After <see cref="Build"/>: the files seen on the way, open ones with their paths (from the directory records).</summary>
    public LoadedFiles Files => new(_withBlocks, [.. _open.Select(file => (PathOf(file), file))]);

    /// <summary>The same lists, by a walk of <paramref name="tree"/> (an image not built by a loader).</summary>
    public static LoadedFiles FilesOf(NamespaceTree tree) =>
        new([.. FsNamespace.Subtree(tree.Root).OfType<FileInode>().Where(file => file.Blocks.Length > 0)], [.. FsNamespace.FilesUnderConstruction(tree)]);

    private FsPath PathOf(FileInode file)
    {
        var names = new List<string> { file.Name };
        for (var parent = file.ParentId.Value; parent != InodeId.Root.Value; parent = _directories[parent].ParentId)
        {
            names.Add(_directories[parent].Name);
        }
        names.Reverse();
        return FsPath.Parse("/" + string.Join('/', names));
    }

    public NamespaceTree Build()
    {
        if (_root is null)
        {
            throw new CkptFsException(ErrorCode.StorageCorrupt, "The metadata store has inodes but no root directory record.");
        }
        var root = BuildDirectories(_root, out var count);
        if (count != _records)
        {
            var (orphan, parent) = FirstOrphan();
            throw new CkptFsException(ErrorCode.StorageCorrupt,
                $"The metadata store is damaged: inode {orphan.Id} ('{orphan.Name}') names parent {parent}, which is not in the namespace.");
        }
        return new NamespaceTree(root, count);
    }

    /// <summary>
    /// Post-order over directories with an explicit stack (trees can be deeper than the call stack
    /// allows); each built directory's lists are removed, so what remains at the end is unreachable.
    /// </summary>
    private DirectoryInode BuildDirectories(InodeRecord top, out long count)
    {
        count = 0;
        var built = new Dictionary<ulong, DirectoryInode>();
        var stack = new Stack<(InodeRecord Record, bool Expanded)>();
        stack.Push((top, false));
        while (stack.Count > 0)
        {
            var (record, expanded) = stack.Pop();
            _directoriesOf.TryGetValue(record.Id, out var directories);
            if (!expanded && directories is { Count: > 0 })
            {
                stack.Push((record, true));
                foreach (var directory in directories)
                {
                    stack.Push((directory, false));
                }
                continue;
            }
            var entries = ImmutableSortedDictionary.CreateBuilder<string, Inode>(StringComparer.Ordinal);
            if (_filesOf.Remove(record.Id, out var files))
            {
                foreach (var file in files)
                {
                    entries[file.Name] = file;
                }
                count += files.Count;
            }
            if (directories is not null)
            {
                _directoriesOf.Remove(record.Id);
                foreach (var directory in directories)
                {
                    built.Remove(directory.Id, out var child);
                    entries[directory.Name] = child!;
                }
            }
            built[record.Id] = InodeRecords.ToDirectory(record, entries.ToImmutable());
            count++;
        }
        return built[top.Id];
    }

    /// <summary>A record whose parent chain does not reach the root, and the parent it names.</summary>
    private (Inode Orphan, ulong Parent) FirstOrphan()
    {
        foreach (var (parent, files) in _filesOf)
        {
            return (files[0], parent);
        }
        foreach (var (parent, directories) in _directoriesOf)
        {
            return (InodeRecords.ToDirectory(directories[0], DirectoryInode.NoChildren), parent);
        }
        throw new InvalidOperationException("The inode count is off, but every record was placed.");
    }

    private string Shared(string value)
    {
        if (!_names.TryGetValue(value, out var shared))
        {
            _names[value] = shared = value;
        }
        return shared;
    }

    private static List<T> ListOf<T>(Dictionary<ulong, List<T>> lists, ulong parent)
    {
        if (!lists.TryGetValue(parent, out var list))
        {
            lists[parent] = list = [];
        }
        return list;
    }
}
