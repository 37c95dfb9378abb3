#!/usr/bin/python3
"""Every row of the README's errno table that a syscall can provoke, through a mounted CkptFS,
asserting the exact errno (issue 10: "Every errno of the table, each provoked by a real syscall").

Usage: errnos.py DIR_IN_MOUNT [--only CASE ...] [--enospc-mib N]
  DIR_IN_MOUNT   a folder in the mount that does not exist yet (made, used and removed)
  --only         run these cases only; default: every case that needs nothing special.
                 Cases needing a special mount: erofs (a --read-only mount; DIR must exist and
                 hold a file 'f'), enospc (a cluster whose DataNode disks are nearly full).
Rows not here: EIO (NameNode down; every replica failed) is driven by the C# tests that stop
processes; EIO of a refused commit is in checkpoint_idiom.py (killed saver).
"""
import argparse
import ctypes
import errno
import os
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import BLOCK, check, expect_errno, finish, log, watchdog  # noqa: E402

libc = ctypes.CDLL("libc.so.6", use_errno=True)
AT_FDCWD = -100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2


def renameat2(old, new, flags):
    libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if libc.renameat2(AT_FDCWD, os.fsencode(old), AT_FDCWD, os.fsencode(new), flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), old)
    return 0


def write_file(path, data=b"x"):
    with open(path, "wb") as f:
        f.write(data)


def open_close(path, flags, mode=0o644):
    fd = os.open(path, flags, mode)
    os.close(fd)


def case_enoent(d):
    expect_errno(errno.ENOENT, "stat of a missing path", os.stat, f"{d}/missing")
    expect_errno(errno.ENOENT, "open of a missing file", open_close, f"{d}/missing", os.O_RDONLY)
    expect_errno(errno.ENOENT, "unlink of a missing file", os.unlink, f"{d}/missing")
    expect_errno(errno.ENOENT, "rmdir of a missing folder", os.rmdir, f"{d}/missing")
    expect_errno(errno.ENOENT, "rename of a missing path", os.rename, f"{d}/missing", f"{d}/other")
    expect_errno(errno.ENOENT, "create in a missing folder", open_close, f"{d}/missing/f", os.O_WRONLY | os.O_CREAT)
    expect_errno(errno.ENOENT, "mkdir in a missing folder", os.mkdir, f"{d}/missing/sub")


def case_eexist(d):
    os.mkdir(f"{d}/exists")
    write_file(f"{d}/file")
    write_file(f"{d}/file2")
    expect_errno(errno.EEXIST, "mkdir of an existing folder", os.mkdir, f"{d}/exists")
    expect_errno(errno.EEXIST, "mkdir over an existing file", os.mkdir, f"{d}/file")
    expect_errno(errno.EEXIST, "O_CREAT|O_EXCL of an existing file", open_close, f"{d}/file", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    expect_errno(errno.EEXIST, "RENAME_NOREPLACE onto an existing file", renameat2, f"{d}/file", f"{d}/file2", RENAME_NOREPLACE)
    check(os.path.exists(f"{d}/file") and os.path.exists(f"{d}/file2"), "RENAME_NOREPLACE moved something")
    renameat2(f"{d}/file", f"{d}/file3", RENAME_NOREPLACE)
    check(os.path.exists(f"{d}/file3") and not os.path.exists(f"{d}/file"), "RENAME_NOREPLACE onto a free name did not move the file")


def case_enotempty(d):
    os.makedirs(f"{d}/full/inner")
    os.makedirs(f"{d}/full2/x")
    os.mkdir(f"{d}/emptydir")
    expect_errno(errno.ENOTEMPTY, "rmdir of a non-empty folder", os.rmdir, f"{d}/full")
    expect_errno(errno.ENOTEMPTY, "rename of a folder onto a non-empty folder", os.rename, f"{d}/full", f"{d}/full2")
    os.rename(f"{d}/full", f"{d}/emptydir")  # POSIX: replaces an empty folder
    check(os.path.isdir(f"{d}/emptydir/inner") and not os.path.exists(f"{d}/full"), "rename onto an empty folder did not replace it")


def case_eisdir(d):
    os.makedirs(f"{d}/adir/sub")
    write_file(f"{d}/afile")
    expect_errno(errno.EISDIR, "open of a folder for write", open_close, f"{d}/adir", os.O_WRONLY)
    expect_errno(errno.EISDIR, "open of a folder O_RDWR", open_close, f"{d}/adir", os.O_RDWR)
    expect_errno(errno.EISDIR, "unlink of a folder", os.unlink, f"{d}/adir")
    expect_errno(errno.EISDIR, "rename of a file onto a folder", os.rename, f"{d}/afile", f"{d}/adir")


def case_enotdir(d):
    write_file(f"{d}/plain")
    os.mkdir(f"{d}/folder")
    expect_errno(errno.ENOTDIR, "stat of a path through a file", os.stat, f"{d}/plain/x")
    expect_errno(errno.ENOTDIR, "create through a file", open_close, f"{d}/plain/x", os.O_WRONLY | os.O_CREAT)
    expect_errno(errno.ENOTDIR, "mkdir through a file", os.mkdir, f"{d}/plain/x")
    expect_errno(errno.ENOTDIR, "rmdir of a file", os.rmdir, f"{d}/plain")
    expect_errno(errno.ENOTDIR, "rename of a folder onto a file", os.rename, f"{d}/folder", f"{d}/plain")
    expect_errno(errno.ENOTDIR, "listdir of a file", os.listdir, f"{d}/plain")


def case_eopnotsupp(d):
    # A write before the unsent 4 MiB: the bytes are already on the DataNodes.
    path = f"{d}/front-to-back"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, b"a" * (10 * BLOCK))
        expect_errno(errno.EOPNOTSUPP, "pwrite at offset 0 after 10 MiB were written", os.pwrite, fd, b"b" * 4096, 0)
    finally:
        expect_errno(errno.EIO, "close of a file whose write was refused", os.close, fd)
    time.sleep(1.2)
    check(not os.path.exists(path), "a file whose write was refused still exists after close (the README: close returns EIO and deletes it)")

    # A rewrite inside the unsent window is applied (a header filled in after the body).
    path = f"{d}/header-later"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"\0" * 8 + b"body" * 1000)
    os.pwrite(fd, b"HEADER!!", 0)
    os.close(fd)
    with open(path, "rb") as f:
        check(f.read() == b"HEADER!!" + b"body" * 1000, "a header rewritten inside the unsent window was not applied")

    # A gap past the end is filled with zeros.
    path = f"{d}/gap"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"abc")
    os.pwrite(fd, b"xyz", 1000)
    os.close(fd)
    with open(path, "rb") as f:
        check(f.read() == b"abc" + b"\0" * 997 + b"xyz", "a gap past the end was not filled with zeros")

    # A closed non-empty file opened for write without O_TRUNC: the open succeeds (touch works), a write is refused.
    write_file(f"{d}/closed", b"hello")
    open_close(f"{d}/closed", os.O_WRONLY)
    for flags, what in ((os.O_WRONLY, "O_WRONLY"), (os.O_WRONLY | os.O_APPEND, "O_WRONLY|O_APPEND (>>)")):
        fd = os.open(f"{d}/closed", flags)
        try:
            expect_errno(errno.EOPNOTSUPP, f"a write to a closed non-empty file opened {what} without O_TRUNC", os.write, fd, b"more")
        finally:
            try:
                os.close(fd)
            except OSError as e:
                log(f"close after the refused write ({what}): {errno.errorcode.get(e.errno)}")
    time.sleep(1.2)
    with open(f"{d}/closed", "rb") as f:
        check(f.read() == b"hello", "a closed file changed after refused writes")
    check(subprocess.run(["touch", f"{d}/closed"], timeout=60).returncode == 0, "touch of a closed non-empty file failed")
    open_close(f"{d}/closed", os.O_WRONLY | os.O_TRUNC)
    time.sleep(1.2)
    check(os.stat(f"{d}/closed").st_size == 0, "O_TRUNC did not empty the file")

    # Truncate to another size; to 0 and to the current size work.
    write_file(f"{d}/trunc", b"0123456789")
    expect_errno(errno.EOPNOTSUPP, "truncate of a closed 10-byte file to 5", os.truncate, f"{d}/trunc", 5)
    expect_errno(errno.EOPNOTSUPP, "truncate of a closed 10-byte file to 20", os.truncate, f"{d}/trunc", 20)
    os.truncate(f"{d}/trunc", 10)
    os.truncate(f"{d}/trunc", 0)
    time.sleep(1.2)
    check(os.stat(f"{d}/trunc").st_size == 0, "truncate to 0 did not empty the file")

    # RENAME_EXCHANGE.
    write_file(f"{d}/target")
    write_file(f"{d}/other")
    expect_errno(errno.EOPNOTSUPP, "RENAME_EXCHANGE", renameat2, f"{d}/target", f"{d}/other", RENAME_EXCHANGE)


def case_eopnotsupp_nodes(d):
    """The README's EOPNOTSUPP for hard links, symbolic links, fifos and device files."""
    write_file(f"{d}/target")
    expect_errno(errno.EOPNOTSUPP, "hard link", os.link, f"{d}/target", f"{d}/hardlink")
    expect_errno(errno.EOPNOTSUPP, "symbolic link", os.symlink, "target", f"{d}/symlink")
    expect_errno(errno.EOPNOTSUPP, "mknod of a character device", os.mknod, f"{d}/dev", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    expect_errno(errno.EOPNOTSUPP, "mkfifo", os.mkfifo, f"{d}/fifo")


def case_ebusy_writer(d):
    """Opening for write a file another writer holds (another process, through the same mount)."""
    path = f"{d}/held"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import os,sys\n"
                               f"fd=os.open({path!r}, os.O_WRONLY|os.O_CREAT|os.O_TRUNC, 0o644)\n"
                               "os.write(fd, b'x'*1000)\n"
                               "print('open', flush=True)\n"
                               "sys.stdin.readline()\n"
                               "os.close(fd)\n"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        check(line.strip() == "open", f"the holder process did not open {path}: {line!r}")
        expect_errno(errno.EBUSY, "open O_WRONLY|O_TRUNC of a file another process writes", open_close, path, os.O_WRONLY | os.O_TRUNC)
        expect_errno(errno.EBUSY, "open O_WRONLY|O_CREAT|O_TRUNC of a file another process writes", open_close, path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        holder.stdin.write("\n")
        holder.stdin.flush()
        check(holder.wait(timeout=60) == 0, "the holder process failed to close its file")
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)
    time.sleep(1.2)
    check(os.stat(path).st_size == 1000, f"the held file has {os.stat(path).st_size} bytes after its writer closed it, expected 1000")


def case_ebusy_commit(d):
    """Committing a step with a shard still open."""
    job = f"{d}/job-busy"
    os.makedirs(f"{job}/.pending/step-1")
    fd = os.open(f"{job}/.pending/step-1/model.pt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, b"weights" * 100)
        expect_errno(errno.EBUSY, "rename (commit) of a pending step whose shard is open", os.rename, f"{job}/.pending/step-1", f"{job}/step-1")
    finally:
        os.close(fd)
    os.rename(f"{job}/.pending/step-1", f"{job}/step-1")
    check(os.path.isfile(f"{job}/step-1/model.pt"), "the commit after closing the shard did not publish step-1/model.pt")


def committed_job(d, name):
    job = f"{d}/{name}"
    os.makedirs(f"{job}/.pending/step-3")
    write_file(f"{job}/.pending/step-3/model.pt", b"w" * 4096)
    os.rename(f"{job}/.pending/step-3", f"{job}/step-3")
    return job


def case_eacces(d):
    job = committed_job(d, "job-frozen")
    expect_errno(errno.EACCES, "create inside a committed checkpoint", open_close, f"{job}/step-3/new.pt", os.O_WRONLY | os.O_CREAT)
    expect_errno(errno.EACCES, "open O_TRUNC of a shard of a committed checkpoint", open_close, f"{job}/step-3/model.pt", os.O_WRONLY | os.O_TRUNC)
    expect_errno(errno.EACCES, "mkdir inside a committed checkpoint", os.mkdir, f"{job}/step-3/sub")
    expect_errno(errno.EACCES, "truncate of a shard of a committed checkpoint to 0", os.truncate, f"{job}/step-3/model.pt", 0)
    with open(f"{job}/step-3/model.pt", "rb") as f:
        check(f.read() == b"w" * 4096, "a committed shard changed")


def case_eperm(d):
    job = committed_job(d, "job-latest")
    check(os.readlink(f"{job}/latest") == "step-00000003", f"latest -> {os.readlink(f'{job}/latest')!r}, expected step-00000003")
    expect_errno(errno.EPERM, "unlink of a job's latest link", os.unlink, f"{job}/latest")
    check(os.path.islink(f"{job}/latest"), "latest is gone after a refused unlink")


def case_einval(d):
    job = f"{d}/job-einval"
    os.makedirs(f"{job}/.pending/step-4")
    write_file(f"{job}/.pending/step-4/model.pt", b"m" * 100)
    expect_errno(errno.EINVAL, "rename of pending step-4 onto step-5", os.rename, f"{job}/.pending/step-4", f"{job}/step-5")
    check(not os.path.exists(f"{job}/latest"), "latest exists after a refused commit")
    write_file(f"{d}/notalink", b"x")
    expect_errno(errno.EINVAL, "readlink of a regular file", os.readlink, f"{d}/notalink")
    os.makedirs(f"{d}/parent/child")
    expect_errno(errno.EINVAL, "rename of a folder into its own subfolder", os.rename, f"{d}/parent", f"{d}/parent/child/p")


def case_erofs(d):
    """On a --read-only mount: DIR exists and holds a file 'f'."""
    with open(f"{d}/f", "rb") as f:
        check(len(f.read()) > 0, "the file on the read-only mount reads empty")
    expect_errno(errno.EROFS, "create on a read-only mount", open_close, f"{d}/new", os.O_WRONLY | os.O_CREAT)
    expect_errno(errno.EROFS, "open O_WRONLY|O_TRUNC on a read-only mount", open_close, f"{d}/f", os.O_WRONLY | os.O_TRUNC)
    expect_errno(errno.EROFS, "mkdir on a read-only mount", os.mkdir, f"{d}/newdir")
    expect_errno(errno.EROFS, "unlink on a read-only mount", os.unlink, f"{d}/f")
    expect_errno(errno.EROFS, "rename on a read-only mount", os.rename, f"{d}/f", f"{d}/g")
    expect_errno(errno.EROFS, "rmdir on a read-only mount", os.rmdir, d)
    expect_errno(errno.EROFS, "chmod on a read-only mount", os.chmod, f"{d}/f", 0o600)
    expect_errno(errno.EROFS, "truncate on a read-only mount", os.truncate, f"{d}/f", 0)
    expect_errno(errno.EROFS, "utime on a read-only mount", os.utime, f"{d}/f", (1, 1))
    check(not os.access(f"{d}/f", os.W_OK), "access(W_OK) is true on a read-only mount")


def case_enospc(d, mib):
    """On a cluster without room: a write of `mib` MiB must fail with ENOSPC at write, fsync or close."""
    path = f"{d}/too-big"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    stage = "write"
    try:
        chunk = os.urandom(BLOCK)
        for _ in range(mib):
            os.write(fd, chunk)
        stage = "fsync"
        os.fsync(fd)
        stage = "close"
        fd_to_close, fd = fd, -1
        os.close(fd_to_close)
        check(False, f"a write of {mib} MiB on a full cluster succeeded (expected ENOSPC at write, fsync or close)")
    except OSError as e:
        got = errno.errorcode.get(e.errno, str(e.errno))
        if check(e.errno == errno.ENOSPC, f"a write of {mib} MiB on a full cluster failed at {stage} with {got} ({e}), expected ENOSPC"):
            log(f"ok   ENOSPC at {stage}")
    finally:
        if fd >= 0:
            try:
                os.close(fd)
            except OSError as e:
                log(f"close after the failure: {errno.errorcode.get(e.errno)}")


DEFAULT_CASES = ["enoent", "eexist", "enotempty", "eisdir", "enotdir", "eopnotsupp", "eopnotsupp_nodes", "ebusy_writer", "ebusy_commit", "eacces", "eperm", "einval"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--enospc-mib", type=int, default=200)
    args = parser.parse_args()
    watchdog(600, "errnos.py")
    cases = args.only or DEFAULT_CASES
    special = {"erofs", "enospc"}
    own_dir = not (set(cases) & {"erofs"})
    if own_dir:
        os.mkdir(args.dir)
    for name in cases:
        log(f"--- {name}")
        sub = args.dir if name == "erofs" else f"{args.dir}/{name}"
        if name != "erofs":
            os.mkdir(sub)
        try:
            if name == "enospc":
                case_enospc(sub, args.enospc_mib)
            else:
                globals()[f"case_{name}"](sub)
        except Exception as e:  # an unexpected failure of a set-up step is a failure of the case
            check(False, f"case {name} failed unexpectedly: {type(e).__name__}: {e}")
    if own_dir and not (set(cases) & special):
        subprocess.run(["rm", "-rf", args.dir], timeout=120, check=False)
    finish("errnos")


if __name__ == "__main__":
    main()
