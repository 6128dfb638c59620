"""Export a trained checkpoint to the browser format (docs/model-format.md), with goldens.

    python3 -m training.export --ckpt training/runs/toon128/ckpt.pt --style toon --out models/toon
    python3 -m training.export --random tinyc --style toon --out build/zsteps-style   # untrained, for format tests
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from .model import CONFIGS, Generator, load_ema
from .modelfile import architecture, folded_tensors, load_generator, to_unit_rgba, write_model
from .seeds import seed_to_z
from .teachers import make_teacher

# Golden cases: plain seeds, truncation, and style mixing. Seeds far from both training and eval ranges.
GOLDEN_CASES = [
    {"seed": 7},
    {"seed": 42},
    {"seed": 2024},
    {"seed": 42, "truncation": 0.5},
    {"seed": 7, "mixSeed": 42, "mixLayer": 4},
]


def to_rgba8(x: torch.Tensor) -> np.ndarray:
    """[-1, 1] premultiplied NCHW -> uint8 premultiplied NHWC (round half up), as the browser shows it."""
    return torch.floor(to_unit_rgba(x) * 255 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).numpy()


def write_goldens(model_dir: Path) -> list:
    g = load_generator(model_dir)
    z_dim = g.m["architecture"]["zDim"]
    gold = model_dir / "goldens"
    gold.mkdir(exist_ok=True)
    from PIL import Image
    entries = []
    for case in GOLDEN_CASES:
        z = torch.from_numpy(seed_to_z(case["seed"], z_dim))[None]
        mix = torch.from_numpy(seed_to_z(case["mixSeed"], z_dim))[None] if "mixSeed" in case else None
        out = g(z, case.get("truncation", 1.0), mix, case.get("mixLayer"))
        name = "seed-{seed}".format(**case) + (f"-t{case['truncation']}" if "truncation" in case else "") + \
               (f"-mix{case['mixSeed']}-at{case['mixLayer']}" if "mixSeed" in case else "")
        rgba = to_rgba8(out)[0]
        # raw premultiplied RGBA8, what the parity test compares against
        (gold / f"{name}.rgba").write_bytes(rgba.tobytes())
        a = rgba[..., 3:].astype(np.float32) / 255
        straight = np.where(a > 0, rgba[..., :3] / np.maximum(a, 1e-6), 0).clip(0, 255).round().astype(np.uint8)
        Image.fromarray(np.concatenate([straight, rgba[..., 3:]], axis=-1), "RGBA").save(gold / f"{name}.png")
        entries.append({**case, "file": f"goldens/{name}.rgba", "png": f"goldens/{name}.png"})
    (gold / "goldens.json").write_text(json.dumps({"encoding": "premultiplied rgba8, row-major, top row first",
                                                   "cases": entries}, indent=2) + "\n")
    return entries


def export(ckpt: Path, style: str, out: Path, dtype: str = "float16", training_meta: dict | None = None) -> dict:
    G, ck = load_ema(ckpt)
    return export_generator(G, ck["config"], ck["step"], style, out, dtype, training_meta)


def export_random(config: str, style: str, out: Path, seed: int = 0) -> dict:
    """An untrained generator of `config` (fixed seed), exported in float32: a fixture for the format's tests."""
    torch.manual_seed(seed)
    G = Generator(CONFIGS[config]).eval()
    with torch.no_grad():
        G.mapping.w_avg.normal_()  # a trained model's mean w is not zero: truncation has something to do
    return export_generator(G, config, 0, style, out, "float32", {"untrained": True, "initSeed": seed})


def export_generator(G: Generator, config: str, step: int, style: str, out: Path, dtype: str = "float16",
                     training_meta: dict | None = None) -> dict:
    cfg = G.cfg
    teacher = make_teacher(style, cfg.resolution, workers=1)
    meta = {
        "name": teacher.label,
        "resolution": cfg.resolution,
        "config": config,
        "output": {"channels": "rgba", "range": [-1, 1], "alpha": "premultiplied"},
        "canonical": teacher.landmarks,
        **({"controls": teacher.controls} if teacher.controls else {}),
        "data": {"teacher": teacher.name, "licence": teacher.licence, "provenance": teacher.provenance,
                 **teacher.record},
        "training": {"steps": step, **(training_meta or {})},
    }
    manifest = write_model(out, folded_tensors(G), architecture(G), meta, dtype)
    write_goldens(out)
    return manifest


def main():
    p = argparse.ArgumentParser(description="Export a checkpoint to models/<style>/.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--ckpt", type=Path)
    src.add_argument("--random", choices=sorted(CONFIGS), metavar="CONFIG",
                     help="an untrained generator of CONFIG instead (float32): a fixture for the format's tests")
    p.add_argument("--style", required=True, help="the teacher: a procedural style, or a StyleGAN2 descriptor .json")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--dtype", default="float16", choices=["float16", "float32"])
    p.add_argument("--meta", type=str, default="{}", help="JSON merged into model.json's training block")
    a = p.parse_args()
    if a.random:
        m = export_random(a.random, a.style, a.out)
    else:
        m = export(a.ckpt, a.style, a.out, a.dtype, json.loads(a.meta))
    print(f"wrote {a.out}/model.json ({m['weightFiles'][0]['byteLength']} bytes of {m['dtype']} weights)")


if __name__ == "__main__":
    main()
