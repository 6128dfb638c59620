"""Teacher renders cached on disk (not committed): z [N, z_dim] and uint8 images [N, R, R, 4].

    python3 -m training.data --style toon --res 128 --z-dim 64 --seeds 0:30000 --out .cache/toon128

Training seeds must stay below 1000000: the held-out evaluation seeds start there.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .seeds import seeds_to_z
from .teachers import make_teacher

EVAL_SEED_START = 1_000_000


def require_below_eval(stop: int, what: str) -> None:
    """The one guard for every command that picks seeds itself (caches, figures, latent measures): they must all
    lie below the held-out evaluation seeds, or an evaluation would score faces the project has looked at."""
    if stop > EVAL_SEED_START:
        raise ValueError(f"{what} must be < {EVAL_SEED_START}: the held-out evaluation seeds start there; "
                         f"got seeds up to {stop - 1}")


def parse_seeds(text: str) -> range:
    a, b = (int(v) for v in text.split(":"))
    if not 0 <= a < b:
        raise ValueError(f"expected seeds A:B with 0 <= A < B, got {text!r}")
    return range(a, b)


def build_cache(style: str, res: int, z_dim: int, seeds: range, out: Path, chunk: int = 2000) -> None:
    require_below_eval(seeds.stop, "training seeds")
    out.mkdir(parents=True, exist_ok=True)
    teacher = make_teacher(style, res)
    n = len(seeds)
    z = seeds_to_z(seeds, z_dim)
    img = np.lib.format.open_memmap(out / "img.npy", mode="w+", dtype=np.uint8, shape=(n, res, res, 4))
    t0 = time.time()
    for i in range(0, n, chunk):
        img[i:i + chunk] = teacher.render(z[i:i + chunk])
        done = min(n, i + chunk)
        rate = done / (time.time() - t0)
        print(f"rendered {done}/{n} ({rate:.0f} img/s, ETA {(n - done) / rate:.0f} s)", flush=True)
    img.flush()
    np.save(out / "z.npy", z)
    (out / "meta.txt").write_text(f"style={style} res={res} z_dim={z_dim} seeds={seeds.start}:{seeds.stop}\n")


class TeacherCache:
    """One or more caches of the same style, resolution and z_dim, read as one. A single cache stays memory-mapped;
    several are concatenated in RAM (a 40,000-face 128 px cache is 2.6 GB)."""

    def __init__(self, paths: Path | list[Path]):
        paths = [Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
        metas = {(p / "meta.txt").read_text().split(" seeds=")[0] for p in paths if (p / "meta.txt").exists()}
        if len(metas) > 1:
            raise ValueError(f"caches disagree on style/res/z_dim: {sorted(metas)}")
        zs = [np.load(p / "z.npy") for p in paths]
        imgs = [np.load(p / "img.npy", mmap_mode="r") for p in paths]
        for p, z, img in zip(paths, zs, imgs):
            if len(z) != len(img):
                raise ValueError(f"cache {p}: {len(z)} latents but {len(img)} images")
        self.z = np.concatenate(zs) if len(zs) > 1 else zs[0]
        self.img = np.concatenate(imgs) if len(imgs) > 1 else imgs[0]
        # the teacher's name as build_cache wrote it (None for a cache without meta.txt)
        self.style = next(iter(metas)).split()[0].removeprefix("style=") if metas else None

    def __len__(self):
        return len(self.z)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--style", default="toon")
    p.add_argument("--res", type=int, default=128)
    p.add_argument("--z-dim", type=int, default=64)
    p.add_argument("--seeds", default="0:30000")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    build_cache(a.style, a.res, a.z_dim, parse_seeds(a.seeds), a.out)


if __name__ == "__main__":
    main()
