using System.Runtime.InteropServices;

namespace CkptFS.Mount.Native;

/// <summary>
/// The libfuse 3 entry points the host uses, from Debian's libfuse3.so.3. Bound by name, each gets
/// the default symbol version: fuse_new is FUSE_3.1's and fuse_loop_mt FUSE_3.12's (taking a
/// struct fuse_loop_config*), which is what these signatures are.
/// </summary>
internal static unsafe partial class LibFuse
{
    private const string Library = "libfuse3.so.3";

    /// <summary>The size of struct fuse_operations in libfuse 3.14: 42 function pointers.</summary>
    public const int OperationsSize = 42 * 8;

    [LibraryImport(Library)]
    public static partial IntPtr fuse_new(NativeArgs* args, IntPtr* operations, nuint size, IntPtr userData);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fuse_mount(IntPtr fuse, string mountpoint);

    [LibraryImport(Library)]
    public static partial void fuse_unmount(IntPtr fuse);

    [LibraryImport(Library)]
    public static partial void fuse_destroy(IntPtr fuse);

    [LibraryImport(Library)]
    public static partial void fuse_exit(IntPtr fuse);

    [LibraryImport(Library)]
    public static partial int fuse_loop_mt(IntPtr fuse, IntPtr config);

    [LibraryImport(Library)]
    public static partial IntPtr fuse_loop_cfg_create();

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_destroy(IntPtr config);

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_set_max_threads(IntPtr config, uint value);

    [LibraryImport(Library)]
    public static partial void fuse_loop_cfg_set_idle_threads(IntPtr config, uint value);

    [LibraryImport(Library)]
    public static partial byte* fuse_get_context();

    [LibraryImport(Library)]
    public static partial void fuse_opt_free_args(NativeArgs* args);

    // struct fuse_context { struct fuse *fuse; uid_t uid; gid_t gid; pid_t pid; void *private_data; mode_t umask; }:
    // uid at 8, gid at 12, pid (the calling thread's id) at 16, private_data at 24 on 64-bit Linux.
    // Valid only on a libfuse thread, during a callback.

    /// <summary>The id of the thread whose request a callback is serving, or 0 outside a callback.</summary>
    public static int CallerThreadId
    {
        get
        {
            var context = fuse_get_context();
            return context == null ? 0 : *(int*)(context + 16);
        }
    }

    /// <summary>The user data given to fuse_new (the context's private_data), during a callback.</summary>
    public static IntPtr PrivateData
    {
        get
        {
            var context = fuse_get_context();
            return context == null ? IntPtr.Zero : *(IntPtr*)(context + 24);
        }
    }
}
