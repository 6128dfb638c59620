"""Change a checkpoint's mapping learning-rate multiplier without changing what it computes.

    python3 -m training.probes.reparam --ckpt training/runs/toon128/ckpt.pt --old-lr-mul 0.01 --new-lr-mul 1

EqualLinear stores weight = W_effective * sqrt(in) / lr_mul (and bias = b / lr_mul), so a new lr_mul means
rescaling the stored values by old / new. The optimiser state is dropped (Adam re-estimates it in ~100 steps).
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch


def reparam(ckpt: Path, old: float, new: float) -> None:
    shutil.copy(ckpt, ckpt.with_suffix(f".before-lrmul{new:g}.pt"))
    ck = torch.load(ckpt, map_location="cpu")
    for key in ("G", "G_ema"):
        if key not in ck:  # a release's checkpoint keeps the EMA alone
            continue
        sd = ck[key]
        for name in list(sd):
            if name.startswith("mapping.layers.") and (name.endswith(".weight") or name.endswith(".bias")):
                sd[name] = sd[name] * (old / new)
    ck.pop("opt_g", None)
    ck.pop("opt_d", None)
    ck.setdefault("history", []).append({"step": ck["step"], "mapping_lr_mul": [old, new]})
    torch.save(ck, ckpt)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ckpt", type=Path, required=True)
    p.add_argument("--old-lr-mul", type=float, required=True)
    p.add_argument("--new-lr-mul", type=float, required=True)
    a = p.parse_args()
    reparam(a.ckpt, a.old_lr_mul, a.new_lr_mul)


if __name__ == "__main__":
    main()
