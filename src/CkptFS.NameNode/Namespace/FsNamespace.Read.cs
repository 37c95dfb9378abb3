using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>The entry at <paramref name="path"/>, read from the latest durable version.</summary>
    public NamespaceEntry GetFileInfo(FsPath path) => new(path, Current.Get(path));

    /// <summary>
    /// One page of a directory's entries after <paramref name="startAfter"/> in name order; a file
    /// lists itself. The whole page comes from one namespace version.
    /// </summary>
    public Listing GetListing(FsPath path, string startAfter, int limit)
    {
        var inode = Current.Get(path);
        if (inode is not DirectoryInode directory)
        {
            return new Listing([new NamespaceEntry(path, inode)], 0);
        }
        limit = limit <= 0 ? _options.ListingPageSize : Math.Min(limit, _options.ListingPageSize * 10);
        var page = new List<NamespaceEntry>(Math.Min(limit, directory.Children.Count));
        var skipped = 0;
        foreach (var (name, child) in directory.Children)
        {
            // The children are in ordinal order; this skips the previous pages (a linear scan of
            // names, cheap next to the RPC for directories of checkpoint size).
            if (startAfter.Length != 0 && string.CompareOrdinal(name, startAfter) <= 0)
            {
                skipped++;
                continue;
            }
            if (page.Count == limit)
            {
                break;
            }
            page.Add(new NamespaceEntry(path.Child(name), child));
        }
        return new Listing(page, directory.Children.Count - skipped - page.Count);
    }

    /// <summary>
    /// Bytes, files and directories below <paramref name="path"/> (du), and its quota with what the
    /// quota counts: read from the totals every directory keeps, so du of a million files is O(1).
    /// </summary>
    public ContentSummary GetContentSummary(FsPath path)
    {
        var inode = Current.Get(path);
        var usage = SubtreeUsage.Of(inode);
        var quota = inode is DirectoryInode directory ? directory.Quota : DirectoryQuota.None;
        return new ContentSummary(usage.Length, usage.Files, usage.Directories, usage.SpaceConsumed)
        {
            Quota = quota,
            SpaceCharged = usage.SpaceCharged,
        };
    }
}
