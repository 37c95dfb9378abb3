using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Checks every closed file below <paramref name="path"/> against the block map: a block is
    /// missing with no good replica, under-replicated with fewer good ones than its file's
    /// replication, corrupt with any corrupt replica, healthy otherwise. Problem blocks are listed
    /// (every block with <paramref name="listAllBlocks"/>). A read of one namespace version.
    /// </summary>
    public FsckReport Fsck(FsPath path, bool listAllBlocks)
    {
        long files = 0, directories = 0, bytes = 0, blocks = 0, healthy = 0, under = 0, missing = 0, corrupt = 0, open = 0;
        var listed = new List<FsckBlock>();
        var stack = new Stack<(FsPath Path, Inode Inode)>();
        stack.Push((path, Current.Get(path)));
        while (stack.Count > 0)
        {
            var (current, inode) = stack.Pop();
            if (inode is DirectoryInode directory)
            {
                directories++;
                foreach (var (name, child) in directory.Children)
                {
                    stack.Push((current.Child(name), child));
                }
                continue;
            }
            var file = (FileInode)inode;
            // An open file's bytes count as `ls` shows them (what its writer reported); its blocks are
            // still being written, so their replica counts are not problems yet.
            bytes += file.Length;
            if (file.IsUnderConstruction)
            {
                open++;
                continue;
            }
            files++;
            foreach (var block in file.Blocks)
            {
                blocks++;
                var replicas = _blocks.GetReplicas(block.Id);
                var live = replicas.Live.Count;
                var problem = live == 0 || live < file.Replication || replicas.Corrupt.Count > 0;
                missing += live == 0 ? 1 : 0;
                under += live > 0 && live < file.Replication ? 1 : 0;
                corrupt += replicas.Corrupt.Count > 0 ? 1 : 0;
                healthy += problem ? 0 : 1;
                if (problem || listAllBlocks)
                {
                    listed.Add(new FsckBlock(current, block, file.Replication,
                        _datanodes.SortForReader(replicas.Live, clientHost: null), _datanodes.SortForReader(replicas.Corrupt, clientHost: null)));
                }
            }
        }
        return new FsckReport(files, directories, bytes, blocks, healthy, under, missing, corrupt, open, listed);
    }
}
