using System.Runtime.InteropServices;

namespace CkptFS.Mount.Native;

/// <summary>
/// Who made the kernel request a callback is serving: struct fuse_context of libfuse 3
/// { struct fuse *fuse; uid_t uid; gid_t gid; pid_t pid; void *private_data; mode_t umask; },
/// so uid at 8, gid at 12, pid (the calling thread's id) at 16 on 64-bit Linux.
/// Valid only on a libfuse thread, during a callback.
/// </summary>
internal static unsafe partial class CallerContext
{
    /// <summary>The calling thread's id, or 0 outside a callback.</summary>
    public static int ThreadId
    {
        get
        {
            var context = fuse_get_context();
            return context == null ? 0 : *(int*)(context + 16);
        }
    }

    [LibraryImport("libfuse3.so.3")]
    private static partial byte* fuse_get_context();
}
