"""Capacity probe: fit a generator to a few fixed teacher faces and report how close it gets.

    python3 -m training.probes.overfit --config toon128 --data .cache/toon128 --faces 16 --steps 600 \\
        [--head-channels 32,16] [--channels 256,256,128,64]

With a handful of faces the mapping's job (z -> which hair, which head) is easy, so what is left is whether the
synthesis blocks and the UpToRGBA head can draw the teacher's detail at all. Comparing variants at equal steps
tells which part limits quality. Uses the first --faces images of a training cache. Prints PSNR (RGB on grey)
and SSIM of the last head every --report steps, and one JSON line at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from ..data import TeacherCache
from ..evaluate import psnr, ssim
from ..losses import pyramid_loss
from ..model import CONFIGS, Generator
from ..train import to_model_space
from ..visual import composite_grey


def overfit(config: str, data: Path, faces: int, steps: int, lr: float, head_channels=None, channels=None,
            report: int = 100, seed: int = 0) -> dict:
    cfg = CONFIGS[config]
    if head_channels:
        cfg = replace(cfg, head_channels=list(head_channels))
    if channels:
        cfg = replace(cfg, channels=list(channels))
    torch.manual_seed(seed)
    G = Generator(cfg)
    cache = TeacherCache(data)
    z = torch.from_numpy(cache.z[:faces])
    real = to_model_space(np.array(cache.img[:faces]))  # a copy: the cache is a read-only memmap
    opt = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.0, 0.99))
    curve = []
    t0 = time.time()
    for step in range(1, steps + 1):
        outs = G(z, all_heads=True)
        loss, per_head = pyramid_loss(outs, real)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % report == 0 or step == steps:
            with torch.no_grad():
                a, b = composite_grey(G(z)[-1]), composite_grey(real)
                row = {"step": step, "psnr": round(float(psnr(a, b).mean()), 2), "ssim": round(float(ssim(a, b).mean()), 3),
                       "heads": [round(v, 3) for v in per_head]}
            curve.append(row)
            print(json.dumps(row), flush=True)
    return {"config": config, "channels": cfg.channels, "head_channels": cfg.head_channels, "faces": faces,
            "steps": steps, "lr": lr, "params": G.inference_parameters(),
            "gflops": round(G.inference_flops()["total"] / 1e9, 3), "wall_s": round(time.time() - t0),
            "final": curve[-1], "curve": curve}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="toon128", choices=sorted(CONFIGS))
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--faces", type=int, default=16)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--lr", type=float, default=6e-3)
    p.add_argument("--head-channels", default=None, help="e.g. 32,16")
    p.add_argument("--channels", default=None, help="e.g. 256,256,128,64")
    p.add_argument("--report", type=int, default=100)
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads or max(1, os.cpu_count() or 1))
    ints = lambda s: [int(v) for v in s.split(",")] if s else None
    r = overfit(a.config, a.data, a.faces, a.steps, a.lr, ints(a.head_channels), ints(a.channels), a.report)
    print(json.dumps({k: v for k, v in r.items() if k != "curve"}))


if __name__ == "__main__":
    main()
