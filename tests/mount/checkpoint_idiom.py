#!/usr/bin/python3
"""The PyTorch checkpoint idiom through a mounted CkptFS (README "The mount", issue 10): shards
saved into JOB/.pending/step-N, os.rename to JOB/step-N is the commit, JOB/latest links to the
newest step and torch.load through it resumes. The CLI confirms the commit: `ckptfs ckpt latest`
names the step, `ckptfs ckpt show` lists its shards (sizes, CRC32C) and the safetensors tensors.
Then a saving process killed (-9) mid-shard: its step cannot be committed and latest stays.

Usage: checkpoint_idiom.py MOUNTPOINT JOB_REL --ckptfs PATH_TO_LAUNCHER [--only PART ...]
  JOB_REL: the job's path relative to the mount's root, e.g. mtest/jobs/llm (must not exist);
  the mount's root is /, so the job's CkptFS path is /JOB_REL. CKPTFS_NAMENODE names the NameNode.
"""
import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import check, finish, log, run, watchdog  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

_CRC_TABLE = None
PARTS = ("listing", "killed", "backtoback")


def crc32c(path):
    """CRC32C (Castagnoli) of a file, table-driven; the files here are a few MiB at most."""
    global _CRC_TABLE
    if _CRC_TABLE is None:
        poly = 0x82F63B78
        _CRC_TABLE = np.zeros(256, dtype=np.uint32)
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ poly if c & 1 else c >> 1
            _CRC_TABLE[i] = c
    table = [int(x) for x in _CRC_TABLE]
    crc = 0xFFFFFFFF
    with open(path, "rb") as f:
        data = f.read()
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def write_safetensors(path, tensors):
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, t in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + t.numel() * 4]}
        offset += t.numel() * 4
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for t in tensors.values():
            f.write(t.contiguous().numpy().tobytes())


def save_step(job, step, seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(128, 256), torch.nn.Linear(256, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(4, 128)).sum().backward()
    optimizer.step()
    pending = f"{job}/.pending/step-{step}"
    os.makedirs(pending, exist_ok=True)
    torch.save(model.state_dict(), f"{pending}/model.pt")
    torch.save(optimizer.state_dict(), f"{pending}/optim.pt")
    tensors = {"layer0.weight": model[0].weight.detach(), "layer1.bias": model[1].bias.detach()}
    write_safetensors(f"{pending}/model.safetensors", tensors)
    os.makedirs(f"{pending}/rank1", exist_ok=True)
    torch.save({"rank": 1}, f"{pending}/rank1/extra.pt")
    sizes = {name: os.path.getsize(f"{pending}/{name}") for name in ("model.pt", "optim.pt", "model.safetensors", "rank1/extra.pt")}
    crcs = {name: crc32c(f"{pending}/{name}") for name in sizes}
    os.rename(pending, f"{job}/step-{step}")   # the commit
    return model.state_dict(), sizes, crcs


def cli(ckptfs, *args, check_rc=True):
    return run([ckptfs, *args], timeout=120, check_rc=check_rc)


def manifest_shards(ckptfs, remote_job, step):
    out = cli(ckptfs, "ckpt", "show", remote_job, str(step), "--json").stdout
    try:
        manifest = json.loads(out)
    except json.JSONDecodeError:
        check(False, f"ckpt show --json printed no JSON: {out!r}")
        return {}
    return {s["path"]: s for s in manifest.get("shards", [])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mountpoint")
    parser.add_argument("job")
    parser.add_argument("--ckptfs", required=True)
    parser.add_argument("--only", nargs="*", default=list(PARTS),
                        help="parts after the commit itself (always run): " + ", ".join(PARTS))
    args = parser.parse_args()
    watchdog(900, "checkpoint_idiom.py")
    job = os.path.join(args.mountpoint, args.job)
    remote_job = "/" + args.job.strip("/")
    os.makedirs(job)

    log("two steps saved into .pending and committed by rename")
    state5, _, _ = save_step(job, 5, seed=5)
    # A training loop saves its next step minutes later; a pause past the mount's 1 s caches keeps this
    # part independent of the back-to-back case, checked on its own at the end.
    time.sleep(1.2)
    state10, sizes, crcs = save_step(job, 10, seed=10)
    time.sleep(1.2)  # attribute cache
    check(not os.path.exists(f"{job}/.pending/step-10"), ".pending/step-10 still exists after the commit")
    check(os.path.isdir(f"{job}/step-10") and os.path.isdir(f"{job}/step-00000010"), "step-10 and step-00000010 must name the same folder")
    check(os.path.islink(f"{job}/latest"), "JOB/latest is not a symbolic link")
    check(os.readlink(f"{job}/latest") == "step-00000010", f"latest -> {os.readlink(f'{job}/latest')!r}, expected step-00000010")
    if "listing" in args.only:
        # readdir(3) skips entries whose d_ino is 0: the mount must give `latest` (and . and ..) an inode number.
        check("latest" in os.listdir(job), f"latest not listed in {os.listdir(job)}")
        ls = subprocess.run(["ls", "-a", job], capture_output=True, text=True, timeout=60).stdout.split()
        check({".", "..", "latest"} <= set(ls), f"ls -a JOB lists {ls}, expected ., .. and latest among them")
    check(sorted(os.listdir(f"{job}/latest")) == ["model.pt", "model.safetensors", "optim.pt", "rank1"], f"latest/ lists {sorted(os.listdir(f'{job}/latest'))}")
    loaded = torch.load(f"{job}/latest/model.pt")
    check(all(torch.equal(loaded[k], state10[k]) for k in state10), "torch.load via latest/model.pt differs from step 10's model")
    loaded5 = torch.load(f"{job}/step-5/model.pt")
    check(all(torch.equal(loaded5[k], state5[k]) for k in state5), "step-5/model.pt differs from what was saved")

    log("the CLI sees the commit")
    latest = cli(args.ckptfs, "ckpt", "latest", remote_job)
    check(latest.stdout.split()[:1] == ["10"], f"ckpt latest printed {latest.stdout!r}, expected step 10")
    listing = cli(args.ckptfs, "ckpt", "ls", remote_job, "--json").stdout
    try:
        steps = {c["step"]: c for c in json.loads(listing)["checkpoints"]}
        check(set(steps) >= {5, 10} and steps[10]["state"] == "committed" and steps[10]["latest"], f"ckpt ls: {listing}")
        check(steps[10]["shards"] == 4, f"ckpt ls: step 10 has {steps[10]['shards']} shards, expected 4")
    except (json.JSONDecodeError, KeyError) as e:
        check(False, f"ckpt ls --json: {e}: {listing!r}")
    shards = manifest_shards(args.ckptfs, remote_job, 10)
    check(sorted(shards) == sorted(sizes), f"ckpt show lists shards {sorted(shards)}, expected {sorted(sizes)}")
    for name, size in sizes.items():
        shard = shards.get(name, {})
        check(int(shard.get("size", -1)) == size, f"shard {name}: recorded size {shard.get('size')}, file size {size}")
        recorded = shard.get("crc32c", shard.get("crc32C"))
        check(recorded is not None and int(recorded) == crcs[name], f"shard {name}: recorded CRC32C {recorded}, computed {crcs[name]}")
    tensors = {t.get("name") for t in shards.get("model.safetensors", {}).get("tensors", [])}
    check(tensors == {"layer0.weight", "layer1.bias"}, f"ckpt show: safetensors tensors {tensors}")
    text = cli(args.ckptfs, "ckpt", "show", remote_job).stdout
    check("layer0.weight" in text and "model.pt" in text, f"ckpt show (text) does not list the shards and tensors:\n{text}")

    if "killed" in args.only:
        killed_saver(args, job, remote_job)
    if "backtoback" in args.only:
        back_to_back(job)
    finish("checkpoint_idiom")


def killed_saver(args, job, remote_job):
    log("a saving process killed (-9) mid-shard: its step is not committed and latest stays")
    pending = f"{job}/.pending/step-15"
    os.makedirs(pending)
    torch.save({"w": torch.ones(10)}, f"{pending}/optim.pt")
    saver = subprocess.Popen([sys.executable, "-c",
                              "import os,sys\n"
                              f"f=open({pending + '/model.pt'!r},'wb')\n"
                              "f.write(os.urandom(6<<20)); f.flush(); os.fsync(f.fileno())\n"
                              "print('saving', flush=True)\n"
                              "sys.stdin.readline()\n"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        check(saver.stdout.readline().strip() == "saving", "the saver did not start its shard")
        os.kill(saver.pid, signal.SIGKILL)
        saver.wait(timeout=60)
    finally:
        if saver.poll() is None:
            saver.kill()
            saver.wait(timeout=30)
    try:
        os.rename(pending, f"{job}/step-15")
        check(False, "the commit of a step whose saver was killed mid-shard succeeded")
    except OSError as e:
        check(e.errno in (5, 16), f"the refused commit failed with errno {e.errno} ({e}), expected EIO (or EBUSY)")
        log(f"ok   refused commit: {e}")
    time.sleep(1.2)
    check(os.readlink(f"{job}/latest") == "step-00000010", f"latest moved to {os.readlink(f'{job}/latest')!r} after a killed save")
    latest = cli(args.ckptfs, "ckpt", "latest", remote_job)
    check(latest.stdout.split()[:1] == ["10"], f"ckpt latest after a killed save printed {latest.stdout!r}")
    check(not os.path.exists(f"{job}/step-15"), "step-15 exists after a killed save")
    subprocess.run(["rm", "-rf", pending], timeout=120, check=False)


def back_to_back(job):
    log("back to back: the next step's .pending folder right after a commit")
    time.sleep(1.2)
    save_step(job, 20, seed=20)
    try:
        save_step(job, 21, seed=21)
        log("ok   step 21 saved and committed right after step 20")
    except OSError as e:
        check(False, f"saving step 21 right after the commit of step 20 failed: {e} (the commit removed JOB/.pending, but the mount's caches still showed it)")
    time.sleep(1.2)
    check(os.readlink(f"{job}/latest") in ("step-00000021", "step-00000020"), f"latest -> {os.readlink(f'{job}/latest')!r} after steps 20 and 21")


if __name__ == "__main__":
    main()
