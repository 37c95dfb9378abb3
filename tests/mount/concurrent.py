#!/usr/bin/python3
"""Many processes at once through one mounted CkptFS (issue 10): N processes (default 8) each write
their own file at the same time, then each reads every other's file back and checks it byte for
byte; and a reader in another process sees exactly the bytes a writer made visible with fsync
(hflush), while the writer keeps the file open.

Usage: concurrent.py DIR_IN_MOUNT [--processes N] [--mib M]   (DIR_IN_MOUNT must not exist yet)
"""
import argparse
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import BLOCK, check, check_pattern, finish, log, watchdog, write_pattern  # noqa: E402


def writer(d, index, mib, start, results):
    try:
        start.wait(timeout=120)
        write_pattern(f"{d}/w{index}.bin", seed=1000 + index, length=mib * BLOCK + 12345 * index)
        results.put((index, "wrote", None))
    except Exception as e:  # reported to the parent
        results.put((index, "wrote", f"{type(e).__name__}: {e}"))


def reader(d, index, processes, mib, start, results):
    try:
        start.wait(timeout=120)
        problems = []
        for other in range(processes):
            if other != index:
                why = check_pattern(f"{d}/w{other}.bin", seed=1000 + other, length=mib * BLOCK + 12345 * other)
                if why:
                    problems.append(why)
        results.put((index, "read", "; ".join(problems) or None))
    except Exception as e:
        results.put((index, "read", f"{type(e).__name__}: {e}"))


def run_phase(name, target, args_of, processes, results):
    start = multiprocessing.Barrier(processes)
    workers = [multiprocessing.Process(target=target, args=args_of(i, start)) for i in range(processes)]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    outcomes = {}
    try:
        for _ in range(processes):
            index, _, problem = results.get(timeout=600)
            outcomes[index] = problem
    except Exception as e:
        check(False, f"{name}: only {len(outcomes)} of {processes} processes reported ({type(e).__name__})")
    for w in workers:
        w.join(timeout=30)
        if w.is_alive():
            w.kill()
            w.join(timeout=30)
            check(False, f"{name}: process {w.pid} did not end")
    for index, problem in sorted(outcomes.items()):
        check(problem is None, f"{name}: process {index}: {problem}")
    log(f"{name}: {processes} processes in {time.monotonic() - t0:.1f} s")


STEPS = [3 * BLOCK + 100, 9 * BLOCK + 7, 2 * BLOCK]
UNSYNCED = 1000
TOTAL = sum(STEPS) + UNSYNCED * len(STEPS)


def visibility(d):
    """A writer keeps its file open; after each fsync, a reader process reads every byte fsynced, and only the writer's bytes."""
    path = f"{d}/visible.bin"
    ready, go, seen = multiprocessing.Queue(), multiprocessing.Queue(), multiprocessing.Queue()

    def write_in_steps():
        from mountlib import pattern
        data = pattern(77, TOTAL)
        with open(path, "wb") as f:
            written = 0
            for length in STEPS:
                f.write(data[written: written + length])
                written += length
                f.flush()
                os.fsync(f.fileno())
                visible = written
                # More bytes, not fsynced: still in the mount's unsent window, so not visible yet.
                f.write(data[written: written + UNSYNCED])
                f.flush()
                written += UNSYNCED
                ready.put((visible, written))
                if go.get(timeout=120) != "go":
                    return
            ready.put((-1, -1))

    def read_all(expected, most):
        # At least every byte fsynced (hflush), at most every byte written; all of them the writer's.
        seen.put((check_pattern(path, seed=77, length=expected, max_length=most), os.path.getsize(path)))

    w = multiprocessing.Process(target=write_in_steps)
    w.start()
    try:
        while True:
            total, most = ready.get(timeout=300)
            if total < 0:
                break
            r = multiprocessing.Process(target=read_all, args=(total, most))
            r.start()
            r.join(timeout=120)
            if r.is_alive():
                r.kill()
                check(False, f"the reader did not finish reading {total} bytes in 120 s")
            else:
                why, size = seen.get(timeout=10)
                if check(why is None, f"reader after an fsync at {total} bytes ({most} written): {why}"):
                    log(f"ok   after an fsync at {total} bytes ({most} written, stat size {size}) a reader saw the writer's bytes")
            go.put("go")
    finally:
        w.join(timeout=120)
        if w.is_alive():
            w.kill()
            w.join(timeout=30)
            check(False, "the visibility writer did not end")
    check(w.exitcode == 0, f"the visibility writer exited {w.exitcode}")
    why = check_pattern(path, seed=77, length=TOTAL)
    check(why is None, f"after close: {why}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--mib", type=int, default=24)
    args = parser.parse_args()
    watchdog(900, "concurrent.py")
    multiprocessing.set_start_method("fork")
    d = args.dir
    os.mkdir(d)
    results = multiprocessing.Queue()
    run_phase("write", writer, lambda i, s: (d, i, args.mib, s, results), args.processes, results)
    time.sleep(1.2)
    names = sorted(os.listdir(d))
    check(names == sorted(f"w{i}.bin" for i in range(args.processes)), f"listing after the writes: {names}")
    run_phase("read the others' files", reader, lambda i, s: (d, i, args.processes, args.mib, s, results), args.processes, results)
    visibility(d)
    for name in os.listdir(d):
        os.unlink(f"{d}/{name}")
    os.rmdir(d)
    finish("concurrent")


if __name__ == "__main__":
    main()
