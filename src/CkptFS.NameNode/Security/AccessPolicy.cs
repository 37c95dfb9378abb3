using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Security;

/// <summary>
/// The one table of what each namespace call needs, as HDFS's FSDirectory checks it: every call
/// traverses (EXECUTE on each ancestor); then
/// - mkdirs, create: WRITE on the nearest existing ancestor (create -f: WRITE on the file too);
/// - listing: READ_EXECUTE on the directory; content summary (du): READ_EXECUTE on every directory below;
/// - open (block locations): READ on the file; lease recovery: WRITE on the file;
/// - rename: WRITE on the source's parent and the destination's, the sticky bit of both;
/// - delete: WRITE_EXECUTE on the parent, the sticky bit, ALL on every non-empty directory below (-r);
/// - set times: WRITE or ownership; chmod: ownership; chgrp: ownership and membership; chown, quotas: superusers;
/// - a checkpoint job is a directory: begin and commit need WRITE on it (or on its nearest ancestor
///   before it exists), retention and deletion WRITE, listing and reading READ_EXECUTE.
/// The write path's plumbing (addBlock, complete, pipeline, lease renewal) is the lease holder's:
/// create was checked. Token calls check their own rules (TokenManager).
/// </summary>
public static class AccessPolicy
{
    public static void Check(object request, PermissionChecker check)
    {
        switch (request)
        {
            case MkdirsRequest r:
                check.Traverse(P(r.Path)).Ancestor(P(r.Path), FsAction.Write);
                break;
            case CreateRequest r:
                check.Traverse(P(r.Path)).Ancestor(P(r.Path), FsAction.Write);
                if (r.Overwrite)
                {
                    check.Self(P(r.Path), FsAction.Write).Sticky(P(r.Path));
                }
                break;
            case CompleteRequest { RenameTo.Length: > 0 } r:
                check.Traverse(P(r.RenameTo)).Ancestor(P(r.RenameTo), FsAction.Write).Sticky(P(r.RenameTo));
                break;
            case GetFileInfoRequest r:
                check.Traverse(P(r.Path));
                break;
            case GetListingRequest r:
                check.Traverse(P(r.Path)).SelfIfDirectory(P(r.Path), FsAction.ReadExecute);
                break;
            case GetContentSummaryRequest r:
                check.Traverse(P(r.Path)).Subtree(P(r.Path), FsAction.ReadExecute);
                break;
            case GetBlockLocationsRequest r:
                check.Traverse(P(r.Path)).Self(P(r.Path), FsAction.Read);
                break;
            case RecoverLeaseRequest r:
                check.Traverse(P(r.Path)).Self(P(r.Path), FsAction.Write);
                break;
            case RenameRequest r:
                check.Traverse(P(r.Source)).Parent(P(r.Source), FsAction.WriteExecute).Sticky(P(r.Source))
                    .Traverse(P(r.Destination)).Ancestor(P(r.Destination), FsAction.WriteExecute);
                if (r.Overwrite)
                {
                    check.Sticky(P(r.Destination));
                }
                break;
            case DeleteRequest r:
                check.Traverse(P(r.Path)).Parent(P(r.Path), FsAction.WriteExecute).Sticky(P(r.Path));
                if (r.Recursive)
                {
                    check.Subtree(P(r.Path), FsAction.All);
                }
                break;
            case SetTimesRequest r:
                check.Traverse(P(r.Path)).OwnerOr(P(r.Path), FsAction.Write);
                break;
            case SetPermissionRequest r:
                check.Traverse(P(r.Path)).Owner(P(r.Path));
                break;
            case SetOwnerRequest r:
                check.Traverse(P(r.Path)).Owner(P(r.Path));
                if (r.HasOwner)
                {
                    check.Superuser("change a file's owner (chown)");
                }
                if (r.HasGroup)
                {
                    check.MemberOf(r.Group);
                }
                break;
            case SetQuotaRequest:
                check.Superuser("set quotas");
                break;
            case BeginCheckpointRequest r:
                check.Traverse(P(r.Job)).Ancestor(P(r.Job).Child("_"), FsAction.Write);
                break;
            case CommitCheckpointRequest r:
                check.Traverse(P(r.Job)).Self(P(r.Job), FsAction.Write);
                break;
            case DeleteCheckpointRequest r:
                check.Traverse(P(r.Job)).Self(P(r.Job), FsAction.Write);
                break;
            case SetRetentionRequest r:
                check.Traverse(P(r.Job)).Self(P(r.Job), FsAction.Write);
                break;
            case CollectGarbageRequest r:
                check.Traverse(P(r.Job)).Self(P(r.Job), FsAction.Write);
                break;
            case ListCheckpointsRequest r:
                check.Traverse(P(r.Job)).Self(P(r.Job), FsAction.ReadExecute);
                break;
            case GetCheckpointRequest r:
                check.Traverse(P(r.Job)).Self(P(r.Job), FsAction.ReadExecute);
                break;
        }
    }

    /// <summary>A malformed path fails here with the error its handler would give.</summary>
    private static FsPath P(string path) => FsPath.Parse(path);
}
