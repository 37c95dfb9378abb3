#!/usr/bin/python3
"""PyTorch, numpy and safetensors through a mounted CkptFS, unchanged (issue 10):
torch.save/torch.load of a model's and an optimizer's state dicts (tensors equal), numpy.save/load,
and a safetensors file written by hand per the format (8-byte little-endian header length, JSON
header, data), read back and parsed. Also compares each file's bytes with the same save to local disk.

Usage: torch_roundtrip.py DIR_IN_MOUNT [--big-mib N]   (DIR_IN_MOUNT must not exist yet)
"""
import argparse
import json
import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import check, finish, log, sha256, watchdog  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402


def model_and_optimizer(big_mib):
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(256, 512), torch.nn.ReLU(), torch.nn.Linear(512, 64), torch.nn.LayerNorm(64))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss = model(torch.randn(32, 256)).pow(2).mean()
    loss.backward()
    optimizer.step()  # optimizer state (exp_avg, exp_avg_sq, step) exists after one step
    state = model.state_dict()
    # A tensor larger than the mount's 4 MiB write window, so the file streams through several steps.
    state["big.embedding"] = torch.randn(big_mib * 1024 * 1024 // 4)
    state["ints"] = torch.arange(1000, dtype=torch.int64)
    state["half"] = torch.randn(333, dtype=torch.float16)
    return state, optimizer.state_dict()


def tensors_equal(a, b, where):
    if isinstance(a, torch.Tensor):
        return check(isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b), f"{where}: tensor differs")
    if isinstance(a, dict):
        if not check(isinstance(b, dict) and set(a) == set(b), f"{where}: keys differ"):
            return False
        return all(tensors_equal(a[k], b[k], f"{where}.{k}") for k in a)
    if isinstance(a, (list, tuple)):
        return check(len(a) == len(b), f"{where}: lengths differ") and all(tensors_equal(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b)))
    return check(a == b, f"{where}: {a!r} != {b!r}")


DTYPES = {np.dtype("float32"): "F32", np.dtype("float16"): "F16", np.dtype("int64"): "I64", np.dtype("uint8"): "U8"}
NP_DTYPES = {v: k for k, v in DTYPES.items()}


def write_safetensors(path, arrays, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    for name, array in arrays.items():
        header[name] = {"dtype": DTYPES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # the format pads the header to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for array in arrays.values():
            f.write(np.ascontiguousarray(array).tobytes())


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        base = 8 + length
        arrays = {}
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            start, end = entry["data_offsets"]
            f.seek(base + start)
            arrays[name] = np.frombuffer(f.read(end - start), dtype=NP_DTYPES[entry["dtype"]]).reshape(entry["shape"])
        return header.get("__metadata__", {}), arrays


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--big-mib", type=int, default=24)
    args = parser.parse_args()
    watchdog(600, "torch_roundtrip.py")
    d = args.dir
    os.mkdir(d)
    local = tempfile.mkdtemp(prefix="ckptfs-torch-")
    try:
        model, optim = model_and_optimizer(args.big_mib)

        log("torch.save / torch.load of the model state dict and the optimizer state dict")
        torch.save(model, f"{d}/model.pt")
        torch.save(optim, f"{d}/optim.pt")
        torch.save(model, f"{local}/model.pt")
        tensors_equal(model, torch.load(f"{d}/model.pt"), "model")
        tensors_equal(optim, torch.load(f"{d}/optim.pt"), "optim")
        check(os.path.getsize(f"{d}/model.pt") == os.path.getsize(f"{local}/model.pt"), "model.pt: size in the mount differs from the local save")
        check(sha256(f"{d}/model.pt") == sha256(f"{local}/model.pt"), "model.pt: bytes in the mount differ from the same save to local disk")
        shutil.copy(f"{d}/model.pt", f"{local}/copied.pt")
        tensors_equal(model, torch.load(f"{local}/copied.pt"), "model (copied out of the mount)")
        torch.save({"model": model, "optim": optim, "epoch": 3}, f"{d}/both.pt")
        both = torch.load(f"{d}/both.pt", map_location="cpu")
        tensors_equal(model, both["model"], "both.model")
        check(both["epoch"] == 3, "both.epoch")

        log("torch.save over an existing file (O_TRUNC)")
        smaller = {"only": torch.ones(10)}
        torch.save(smaller, f"{d}/model.pt")
        tensors_equal(smaller, torch.load(f"{d}/model.pt"), "model.pt overwritten")

        log("numpy.save / numpy.load")
        rng = np.random.default_rng(11)
        array = rng.standard_normal((512, 1024)).astype(np.float32)
        np.save(f"{d}/array.npy", array)
        check(np.array_equal(np.load(f"{d}/array.npy"), array), "numpy array differs")
        np.savez(f"{d}/arrays.npz", a=array, b=np.arange(100))
        with np.load(f"{d}/arrays.npz") as loaded:
            check(np.array_equal(loaded["a"], array) and np.array_equal(loaded["b"], np.arange(100)), "npz differs")
        mm = np.load(f"{d}/array.npy", mmap_mode="r")
        check(np.array_equal(mm[100:200], array[100:200]), "numpy memory-mapped read differs")
        del mm

        log("safetensors written by hand")
        arrays = {"embed.weight": rng.standard_normal((1000, 256)).astype(np.float32),
                  "head.bias": rng.standard_normal(64).astype(np.float16),
                  "positions": np.arange(4096, dtype=np.int64)}
        write_safetensors(f"{d}/model.safetensors", arrays, {"format": "pt", "step": "1"})
        write_safetensors(f"{local}/model.safetensors", arrays, {"format": "pt", "step": "1"})
        metadata, back = read_safetensors(f"{d}/model.safetensors")
        check(metadata == {"format": "pt", "step": "1"}, f"safetensors metadata {metadata}")
        check(set(back) == set(arrays), f"safetensors tensors {sorted(back)}")
        for name in arrays:
            check(np.array_equal(back.get(name), arrays[name]), f"safetensors tensor {name} differs")
        check(sha256(f"{d}/model.safetensors") == sha256(f"{local}/model.safetensors"), "model.safetensors bytes differ from the local file")

        log("listing")
        check(sorted(os.listdir(d)) == ["array.npy", "arrays.npz", "both.pt", "model.pt", "model.safetensors", "optim.pt"], f"listing {sorted(os.listdir(d))}")
    finally:
        shutil.rmtree(local, ignore_errors=True)
    shutil.rmtree(d, ignore_errors=True)
    finish("torch_roundtrip")


if __name__ == "__main__":
    main()
