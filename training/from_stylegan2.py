"""From a StyleGAN2 checkpoint to a <blaze-face> style, in one resumable command (docs/stylegan2-teacher.md).

    python3 -m training.from_stylegan2 --ckpt toonify.pt --name toonify --licence LicenseRef-NC \\
        --provenance "..." --config r256 --seeds 0:100000 --steps 200000 --work runs/toonify --out models/toonify
    python3 -m training.from_stylegan2 --test-fixture build/stylegan2-style   # the same, on a random 64 px
                                                                                      # checkpoint, in seconds

Steps, each skipped when its output is already there (run the command again to continue after an interruption):
  1. <work>/teacher.json: the checkpoint's layout checked; its sha256, licence, provenance, truncation, canonical frame
  2. <work>/cache: the teacher's renders at the config's resolution for --seeds (training.data)
  3. <work>/run: training.train --resume up to --steps (options after `--` go to training.train)
  4. <out>: training.export (model.json, weights.bin, goldens) and <out>/eval.json on held-out seeds
With --until cache it stops after step 2, so that several GPUs can train it with torchrun (the docs give the commands).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from .data import build_cache, parse_seeds
from .evaluate import evaluate
from .export import export
from .model import CONFIGS
from .stylegan2 import Arch, LayoutError, save_random_checkpoint
from .teachers.stylegan2 import canonical_arg, write_descriptor
from .train import main as train_main

# The checkpoint that npm test turns into a style: 64 px, the public 512-d z and w, few channels.
FIXTURE_ARCH = Arch(size=64, style_dim=512, n_mlp=2, channels=(32, 32, 16, 16, 8))


def make_style(ckpt: Path, name: str, licence: str, provenance: str, config: str, seeds: range, steps: int,
               work: Path, out: Path | None, truncation: float = 1.0, canonical: dict | None = None,
               trust_pickle: bool = False, batch: int = 16, eval_seeds: range = range(1_000_000, 1_000_256),
               dtype: str = "float16", until: str | None = None, train_args: list[str] | None = None,
               teacher_amp: bool = False) -> dict:
    cfg = CONFIGS[config]
    work.mkdir(parents=True, exist_ok=True)
    desc = work / "teacher.json"
    cache, run = work / "cache", work / "run"
    old = desc.read_text() if desc.exists() else None
    d = write_descriptor(desc, ckpt, name, licence, provenance, truncation, canonical, trust_pickle, teacher_amp)
    if old is not None and old != desc.read_text() and (cache.exists() or run.exists()):
        desc.write_text(old)
        raise ValueError(f"{desc}: the teacher differs from the one {cache} and {run} were made with (checkpoint, "
                         "truncation, canonical or licence); remove them or use another --work")
    if d["architecture"]["styleDim"] < cfg.z_dim:
        raise ValueError(f"config {config} has z_dim {cfg.z_dim}, more than the teacher's "
                         f"{d['architecture']['styleDim']}")
    meta = f"style={desc} res={cfg.resolution} z_dim={cfg.z_dim} seeds={seeds.start}:{seeds.stop}\n"
    if not ((cache / "meta.txt").exists() and (cache / "meta.txt").read_text() == meta):
        build_cache(str(desc), cfg.resolution, cfg.z_dim, seeds, cache, chunk=256)
    if until == "cache":
        return {"descriptor": str(desc), "cache": str(cache)}
    train_main(["--config", config, "--data", str(cache), "--out", str(run), "--steps", str(steps),
                "--batch", str(batch), "--resume", *(train_args or [])])
    if out is None:
        return {"descriptor": str(desc), "cache": str(cache), "run": str(run)}
    manifest = export(run / "ckpt.pt", str(desc), out, dtype, {"seeds": f"{seeds.start}:{seeds.stop}"})
    result = evaluate(out, eval_seeds, grid=out / "eval-grid.png")
    (out / "eval.json").write_text(json.dumps(result, indent=2) + "\n")
    return {"descriptor": str(desc), "cache": str(cache), "run": str(run), "model": str(out),
            "sha256": manifest["weightFiles"][0]["sha256"], "eval": result}


def fixture_args(root: Path, steps: int = 12) -> dict:
    """make_style's arguments for the test style in root (its checkpoint: root/random64.pt)."""
    return dict(ckpt=root / "random64.pt", name="stylegan2-random64", licence="Apache-2.0",
                provenance="random weights in rosinality's stylegan2-pytorch layout, made by training/stylegan2.py "
                           "(a test fixture: no training data)",
                config="tiny", seeds=range(0, 64), steps=steps, work=root / "work", out=root / "model", batch=8,
                eval_seeds=range(1_000_000, 1_000_008),
                train_args=["--adv-start", "6", "--log-every", "6", "--sample-every", "1000000",
                            "--ckpt-every", "1000000"])


def make_test_style(root: Path, steps: int = 12) -> dict:
    """A random StyleGAN2 checkpoint in the public layout -> the `tiny` student -> root/model (from scratch)."""
    if root.exists():
        shutil.rmtree(root)
    save_random_checkpoint(root / "random64.pt", FIXTURE_ARCH, seed=0)
    return make_style(**fixture_args(root, steps))


def main(argv=None):
    argv = list(argv) if argv is not None else sys.argv[1:]
    train_args = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--test-fixture", type=Path, default=None, metavar="DIR",
                   help="make the test style in DIR from a random checkpoint (other options ignored)")
    p.add_argument("--ckpt", type=Path)
    p.add_argument("--name")
    p.add_argument("--licence", help="of the checkpoint's weights: an SPDX id or LicenseRef-...")
    p.add_argument("--provenance", help="where the weights come from and what they were trained on")
    p.add_argument("--truncation", type=float, default=1.0, help="psi in w for the teacher's renders (1: none)")
    p.add_argument("--canonical", default=None, help="lx,ly,rx,ry,mx,my as fractions (default: FFHQ alignment)")
    p.add_argument("--trust-pickle", action="store_true", help="load a checkpoint that pickles Python objects")
    p.add_argument("--teacher-amp", action="store_true", help="the teacher renders in float16 autocast on CUDA")
    p.add_argument("--config", default="r256", choices=sorted(CONFIGS))
    p.add_argument("--seeds", default="0:100000", help="training seeds A:B (below 1000000)")
    p.add_argument("--steps", type=int, default=200_000)
    p.add_argument("--batch", type=int, default=16, help="per process")
    p.add_argument("--work", type=Path, help="descriptor, cache and training run")
    p.add_argument("--out", type=Path, help="the style folder (model.json, weights.bin, goldens, eval.json)")
    p.add_argument("--eval-seeds", default="1000000:1000256")
    p.add_argument("--dtype", default="float16", choices=["float16", "float32"])
    p.add_argument("--until", choices=["cache"], default=None, help="stop after the cache (to train with torchrun)")
    a = p.parse_args(argv)
    if a.test_fixture:
        r = make_test_style(a.test_fixture)
    else:
        missing = [k for k in ("ckpt", "name", "licence", "provenance", "work") if getattr(a, k) is None]
        if missing or (a.out is None and a.until is None):
            p.error(f"expected --ckpt, --name, --licence, --provenance, --work and --out; missing "
                    f"{['--' + k for k in missing] + ([] if a.out or a.until else ['--out'])}")
        r = make_style(a.ckpt, a.name, a.licence, a.provenance, a.config, parse_seeds(a.seeds), a.steps, a.work,
                       a.out, a.truncation, canonical_arg(a.canonical), a.trust_pickle, a.batch,
                       parse_seeds(a.eval_seeds), a.dtype, a.until, train_args, a.teacher_amp)
    print(json.dumps({k: v for k, v in r.items() if k != "eval"}, indent=2))


if __name__ == "__main__":
    try:
        main()
    except LayoutError as e:  # the message names what differed; a traceback adds nothing
        raise SystemExit(f"error: {e}")
