#!/usr/bin/python3
"""Checks that PATH holds the pattern of SEED: exactly --bytes bytes, or from --bytes to --max-bytes.
Prints "ok BYTES" or "FAIL: why" (exit 1); an OSError prints "errno NAME" and exits 2. Bounded.

Usage: read_check.py PATH --seed S --bytes N [--max-bytes M]
"""
import argparse
import errno
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import check_pattern, watchdog  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--bytes", type=int, required=True)
    parser.add_argument("--max-bytes", type=int)
    args = parser.parse_args()
    watchdog(300, "read_check.py")
    try:
        why = check_pattern(args.path, args.seed, args.bytes, args.max_bytes)
        size = os.path.getsize(args.path)
    except OSError as e:
        print(f"errno {errno.errorcode.get(e.errno, e.errno)}: {e}", flush=True)
        sys.exit(2)
    if why:
        print(f"FAIL: {why}", flush=True)
        sys.exit(1)
    print(f"ok {size}", flush=True)


if __name__ == "__main__":
    main()
