"""Time the StyleGAN2 path on this machine: the teacher's renders and the student's training steps, on CUDA when there
is a GPU, each with and without mixed precision (docs/stylegan2-teacher.md, "Time per 100k images").

Nothing is downloaded: the teacher is a random checkpoint of a public size and the cache holds random images, since a
render or a training step costs the same whatever the weights and pixels are.

    python3 -m training.probes.measure_stylegan2 --out measure.json               # one GPU: a few minutes
    python3 -m training.probes.measure_stylegan2 --size 256 --config r128 --faces 16 --steps 6 --batch 4   # a CPU
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from ..model import CONFIGS
from ..seeds import seeds_to_z
from ..stylegan2 import bench
from ..train import parse_args, train


def _student(config: str, steps: int, batch: int, amp: bool, work: Path) -> dict:
    cfg = CONFIGS[config]
    cache = work / "cache"
    if not (cache / "z.npy").exists():
        cache.mkdir(parents=True)
        n = max(256, batch)
        np.save(cache / "z.npy", seeds_to_z(range(n), cfg.z_dim))
        rng = np.random.default_rng(0)
        np.save(cache / "img.npy", rng.integers(0, 256, (n, cfg.resolution, cfg.resolution, 4), dtype=np.uint8))
    log_every = max(1, steps // 3)
    r = train(parse_args(["--config", config, "--data", str(cache), "--out", str(work / f"run-amp{int(amp)}"),
                          "--steps", str(steps), "--batch", str(batch), "--log-every", str(log_every),
                          "--adv-start", "0", "--sample-every", str(10 ** 9), "--ckpt-every", str(10 ** 9)]
                         + (["--amp"] if amp else [])))
    ips = r["history"][-1]["ips"]  # the last interval: past the first steps' warm-up
    return {"config": config, "batch": batch, "amp": amp, "images_per_s": ips,
            "hours_per_100k": round(100_000 / ips / 3600, 2)}


def measure(size: int, config: str, faces: int, steps: int, batch: int) -> dict:
    cuda = torch.cuda.is_available()
    device = torch.cuda.get_device_name(0) if cuda else f"cpu ({torch.get_num_threads()} threads)"
    amps = (False, True)
    teacher = [bench(size, faces, batch, amp) for amp in amps]
    with tempfile.TemporaryDirectory() as d:
        student = [_student(config, steps, batch, amp, Path(d)) for amp in amps]
    return {"device": device, "torch": torch.__version__, "teacher": teacher, "student": student,
            "note": "teacher: renders at its own size (random weights); student: training steps with the GAN "
                    "terms on (random cache); time per 100k images = 100000 / images_per_s"}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1024, help="the teacher's size (config-f channels, 512-d)")
    p.add_argument("--config", default="r256", choices=sorted(CONFIGS))
    p.add_argument("--faces", type=int, default=512, help="teacher renders to time")
    p.add_argument("--steps", type=int, default=300, help="training steps to time (a third of them warm up)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--out", type=Path, default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)  # Debian's torch starts with one thread whatever the machine
    r = measure(a.size, a.config, a.faces, a.steps, a.batch)
    text = json.dumps(r, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
