"""Shared helpers of the mount test drivers (run with /usr/bin/python3).

Every driver is bounded: watchdog() ends the whole process (os._exit, which also ends threads
blocked in a FUSE call: the kernel waits for FUSE answers killably) when the driver overruns.
Data is a pure function of (seed, block index), 1 MiB blocks, so a writer and a reader in other
processes agree on every prefix without sharing anything.
"""
import errno
import hashlib
import os
import subprocess
import sys
import threading
import time

BLOCK = 1 << 20
_failures = []


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def watchdog(seconds, what):
    """Ends the process with exit code 3 after `seconds`: a driver never hangs its caller."""
    def fire():
        sys.stderr.write(f"FAIL: {what} did not finish within {seconds} s (watchdog)\n")
        sys.stderr.flush()
        os._exit(3)
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer


def block(seed, index):
    """Block `index` of the pattern of `seed`: BLOCK bytes."""
    return hashlib.shake_128(f"{seed}:{index}".encode()).digest(BLOCK) if _np is None else \
        _np.random.default_rng([seed, index]).bytes(BLOCK)


try:
    import numpy as _np
except ImportError:  # pragma: no cover - /usr/bin/python3 has numpy
    _np = None


def pattern(seed, length):
    """The first `length` bytes of the pattern of `seed`."""
    out = bytearray()
    index = 0
    while len(out) < length:
        out += block(seed, index)
        index += 1
    return bytes(out[:length])


def write_pattern(path, seed, length, fsync=True):
    with open(path, "wb") as f:
        written = 0
        index = 0
        while written < length:
            data = block(seed, index)[: min(BLOCK, length - written)]
            f.write(data)
            written += len(data)
            index += 1
        f.flush()
        if fsync:
            os.fsync(f.fileno())


def check_pattern(path, seed, length, max_length=None):
    """Reads `path` and returns None when it is exactly the first `length` bytes of the pattern (or,
    with `max_length`, a prefix of the pattern of `length` to `max_length` bytes), else why not."""
    with open(path, "rb") as f:
        offset = 0
        index = 0
        while True:
            data = f.read(BLOCK)
            if not data:
                break
            expected = block(seed, index)[: len(data)]
            if data != expected:
                at = next(i for i in range(len(data)) if data[i] != expected[i]) if len(data) == len(expected) else min(len(data), len(expected))
                return f"{path}: byte {offset + at} differs from the pattern of seed {seed}"
            offset += len(data)
            index += 1
            if len(data) < BLOCK:
                rest = f.read()
                if rest:
                    return f"{path}: a short read at {offset} then {len(rest)} more bytes"
                break
    if max_length is None and offset != length:
        return f"{path}: {offset} bytes, expected {length}"
    if max_length is not None and not length <= offset <= max_length:
        return f"{path}: {offset} bytes, expected {length} to {max_length}"
    return None


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(BLOCK), b""):
            h.update(chunk)
    return h.hexdigest()


def check(condition, message):
    """Records a failed expectation (the driver goes on, and fails at the end with every message)."""
    if not condition:
        _failures.append(message)
        log(f"FAIL: {message}")
    return condition


def expect_errno(expected, what, call, *args, **kwargs):
    """Runs call(*args) and checks that it raises OSError with errno `expected`."""
    name = errno.errorcode.get(expected, str(expected))
    try:
        result = call(*args, **kwargs)
    except OSError as e:
        got = errno.errorcode.get(e.errno, str(e.errno))
        if check(e.errno == expected, f"{what}: expected {name}, got {got} ({e})"):
            log(f"ok   {what}: {name}")
        return e
    check(False, f"{what}: expected {name}, but the call succeeded (returned {result!r})")
    return None


def run(command, timeout=120, env=None, check_rc=True):
    """A subprocess with a timeout; returns CompletedProcess, records a failure on a non-zero exit."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        check(False, f"{' '.join(command)} did not finish within {timeout} s")
        return subprocess.CompletedProcess(command, 124, "", "timeout")
    if check_rc:
        check(result.returncode == 0, f"{' '.join(command)} exited {result.returncode}: {result.stdout}{result.stderr}")
    return result


def finish(name):
    """Exit 0 when every expectation held, else 1 with the list."""
    if _failures:
        sys.stderr.write(f"FAIL: {name}: {len(_failures)} failure(s):\n" + "".join(f"  - {f}\n" for f in _failures))
        sys.exit(1)
    log(f"PASS: {name}")
    sys.exit(0)
