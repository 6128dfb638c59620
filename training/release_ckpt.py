"""A run's checkpoint as the repository keeps it at a release: the EMA generator alone, no G, D or optimiser state.

    python3 -m training.release_ckpt --ckpt training/runs/<run>/ckpt.pt --out training/checkpoints/<config>.pt

The EMA is what is exported and shipped; a run started from the file (`training.train --init` or `--resume`) trains
G on from it, with a fresh discriminator and optimiser. Floating-point weights are stored as float16: the shipped model
is the EMA exported as float16 already, so its faces lose nothing. Buffers that are running statistics
(`mapping.w_avg`) stay float32. The file replaces the last release's in place: one per style, the grown (256 px)
one, whose base a 128 px run reads from it (`--init training/checkpoints/toon256.pt --config toon128`).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch

KEEP_FLOAT32 = {"mapping.w_avg"}


def half(state: dict) -> dict:
    return {k: v.half() if v.is_floating_point() and k not in KEEP_FLOAT32 else v for k, v in state.items()}


def release(ckpt: Path, out: Path) -> dict:
    ck = torch.load(ckpt, map_location="cpu")
    kept = {"G_ema": half(ck["G_ema"])}
    for key in ("step", "config", "frozen_config", "args", "history"):
        if key in ck:
            kept[key] = ck[key]
    tmp = out.with_suffix(".tmp")
    torch.save(kept, tmp)
    os.replace(tmp, out)
    return kept


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ckpt", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    kept = release(a.ckpt, a.out)
    print(f"{a.out}: {kept['config']} at step {kept['step']}, {a.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
