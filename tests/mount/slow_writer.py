#!/usr/bin/python3
"""A writer the C# tests steer through stdin: writes the pattern of SEED into PATH, 1 MiB at a time.
At --pause-at MiB it fsyncs, prints "paused BYTES" and waits for a line on stdin; with --hold it
prints "holding BYTES" after the last byte and waits again before close (the file stays open).
Prints "closed BYTES" after a successful close; on a failure prints "failed ERRNO-NAME AT-STAGE" and
exits 1. Bounded: a watchdog ends it after --limit seconds.

Usage: slow_writer.py PATH --seed S --mib N [--pause-at M] [--hold] [--limit SECONDS]
"""
import argparse
import errno
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import BLOCK, block, watchdog  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--mib", type=int, required=True)
    parser.add_argument("--pause-at", type=int, default=-1)
    parser.add_argument("--hold", action="store_true")
    parser.add_argument("--limit", type=int, default=600)
    args = parser.parse_args()
    watchdog(args.limit, "slow_writer.py")
    stage = "open"
    try:
        fd = os.open(args.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        for i in range(args.mib):
            if i == args.pause_at:
                stage = "fsync"
                os.fsync(fd)
                print(f"paused {i * BLOCK}", flush=True)
                sys.stdin.readline()
            stage = "write"
            data = block(args.seed, i)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        if args.hold:
            print(f"holding {args.mib * BLOCK}", flush=True)
            sys.stdin.readline()
        stage = "close"
        os.close(fd)
    except OSError as e:
        print(f"failed {errno.errorcode.get(e.errno, e.errno)} {stage}", flush=True)
        sys.exit(1)
    print(f"closed {args.mib * BLOCK}", flush=True)


if __name__ == "__main__":
    main()
