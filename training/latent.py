"""Latent-space measures that users see, computed in Python on many seed pairs (test/latent-space.test.ts runs
the same measures in the browser on one pair and one seed set).

    python3 -m training.latent --model models/toon
    python3 -m training.latent --ckpt training/runs/sketch128/ckpt.pt
    python3 -m training.latent --teacher toon --res 256   # the teacher's own paths (no spread)

- path: frames along the great circle from seed a's z to seed b's z (the demo's Animate path). Per path, the
  largest frame-to-frame change over the median one ("ratio"; the browser test allows 3) and over the change
  from the first frame to the last ("share"; allowed 0.2).
- spread: mean absolute difference between the faces of a seed set at truncation 0.5 and 1 (its "ratio" is
  1 over 0.5; the browser test asks for 1.2).
Differences are on 8-bit straight-alpha RGBA, as `capture()` gives them. Seeds default to the validation range
(900000...), never the held-out evaluation seeds.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import torch

from .data import require_below_eval
from .modelfile import load_generator, to_unit_rgba
from .model import load_ema
from .seeds import seed_to_z

VALIDATION_SEED_START = 900_000
PATH_FRAMES = 24  # steps along a quarter circle, as the browser test
PATH_RATIO_LIMIT, PATH_SHARE_LIMIT = 3, 0.2  # a path passes within both, as the browser test asks


def capture_u8(x: torch.Tensor) -> torch.Tensor:
    """Model output [-1, 1] (premultiplied) -> straight-alpha RGBA in 0..255 (float), as the element's PNG: the
    colour is divided by max(alpha, 1/255), and a pixel whose alpha rounds to 0 reads back as 0, 0, 0, 0."""
    u = to_unit_rgba(x)
    a8 = (u[:, 3:4] * 255).round()
    rgb8 = (u[:, :3] / u[:, 3:4].clamp_min(1 / 255)).clamp(0, 1).mul(255).round() * (a8 > 0)
    return torch.cat([rgb8, a8], 1)


def mean_abs(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a - b).abs().flatten(1).mean(1)


def arc(za: np.ndarray, zb: np.ndarray, n: int = PATH_FRAMES) -> np.ndarray:
    t = np.linspace(0, math.pi / 2, n + 1, dtype=np.float64)[:, None]
    return (za[None] * np.cos(t) + zb[None] * np.sin(t)).astype(np.float32)


@torch.no_grad()
def path_stats(G, za: np.ndarray, zb: np.ndarray, n: int = PATH_FRAMES) -> dict:
    frames = capture_u8(G(torch.from_numpy(arc(za, zb, n))))
    steps = mean_abs(frames[1:], frames[:-1])
    median = float(steps.sort().values[len(steps) // 2])  # the upper median, as the browser test
    total = float(mean_abs(frames[:1], frames[-1:])[0])
    mx = float(steps.max())
    return {"median": median, "max": mx, "total": total, "ratio": mx / max(median, 1e-9), "share": mx / max(total, 1e-9),
            "frame": int(steps.argmax())}


def path_passes(stats: dict) -> bool:
    return stats["ratio"] <= PATH_RATIO_LIMIT and stats["share"] <= PATH_SHARE_LIMIT


@torch.no_grad()
def spread(G, zs: np.ndarray, truncation: float) -> float:
    faces = capture_u8(G(torch.from_numpy(zs), truncation=truncation))
    d = [float(mean_abs(faces[i:i + 1], faces[j:j + 1])[0]) for i in range(len(zs)) for j in range(i + 1, len(zs))]
    return sum(d) / len(d)


class _CheckpointG:
    """A training checkpoint's EMA generator, called like FoldedGenerator (last head, [-1, 1])."""

    def __init__(self, path: Path):
        self.G = load_ema(path)[0].eval()
        self.z_dim = self.G.cfg.z_dim

    @torch.no_grad()
    def __call__(self, z, truncation: float = 1.0):
        return self.G(z, truncation=truncation)[-1]


class _TeacherG:
    """A procedural teacher called like FoldedGenerator, for its own paths: a teacher whose parts switch at cuts
    in z takes sharp steps on a path however faithful the student is. It has no truncation."""

    def __init__(self, style: str, resolution: int):
        from .teachers.procedural import ProceduralTeacher
        self.t = ProceduralTeacher(style, resolution)

    def __call__(self, z, truncation: float = 1.0):
        if truncation != 1.0:
            raise ValueError("a teacher has no truncation")
        img = torch.from_numpy(self.t.render(z.numpy())).permute(0, 3, 1, 2).float()
        return img / 127.5 - 1


def measure(G, z_dim: int, pairs: int = 32, sets: int = 16, start: int = VALIDATION_SEED_START) -> dict:
    require_below_eval(start + 2 * pairs + 4 * sets, "latent-measure seeds")
    z = lambda s: seed_to_z(s, z_dim)
    paths = [path_stats(G, z(start + 2 * i), z(start + 2 * i + 1)) for i in range(pairs)]
    base = start + 2 * pairs
    sr = []  # per seed set: spread at truncation 1 over spread at 0.5
    for k in range(sets):
        zs = np.stack([z(base + 4 * k + j) for j in range(4)])
        sr.append(spread(G, zs, 1.0) / max(spread(G, zs, 0.5), 1e-9))
    sr = np.array(sr)
    ratios = np.array([p["ratio"] for p in paths])
    shares = np.array([p["share"] for p in paths])
    return {
        "seeds_from": start,
        "path": {"pairs": pairs, "ratio_median": round(float(np.median(ratios)), 3),
                 "ratio_p90": round(float(np.quantile(ratios, 0.9)), 3),
                 "share_median": round(float(np.median(shares)), 3),
                 "passing": round(float(np.mean([path_passes(p) for p in paths])), 3)},
        "spread": {"sets": sets, "ratio_median": round(float(np.median(sr)), 3),
                   "ratio_min": round(float(sr.min()), 3), "passing": round(float(np.mean(sr > 1.2)), 3)}
        if sets else None,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="an exported model folder (as the browser gets it)")
    src.add_argument("--ckpt", type=Path, help="a training checkpoint (its EMA generator)")
    src.add_argument("--teacher", choices=("toon", "sketch"), help="a procedural teacher's own paths (no spread)")
    p.add_argument("--res", type=int, default=256, help="the teacher's resolution (with --teacher)")
    p.add_argument("--z-dim", type=int, default=64, help="the teacher's z size (with --teacher)")
    p.add_argument("--pairs", type=int, default=32)
    p.add_argument("--sets", type=int, default=16)
    p.add_argument("--start", type=int, default=VALIDATION_SEED_START)
    p.add_argument("--path", default=None, help="also report one path, 'a,b' (e.g. the browser test's 7,8)")
    a = p.parse_args(argv)
    if a.model:
        G = load_generator(a.model)
        z_dim = G.m["architecture"]["zDim"]
    elif a.ckpt:
        G = _CheckpointG(a.ckpt)
        z_dim = G.z_dim
    else:
        G, z_dim, a.sets = _TeacherG(a.teacher, a.res), a.z_dim, 0
    out = measure(G, z_dim, a.pairs, a.sets, a.start)
    if a.path:
        sa, sb = (int(v) for v in a.path.split(","))
        out["path_" + a.path] = {k: round(v, 3) for k, v in path_stats(G, seed_to_z(sa, z_dim), seed_to_z(sb, z_dim)).items()}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
