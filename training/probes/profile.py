"""Where a training step's time goes, per phase, for a config (run it on an otherwise idle machine).

    python3 -m training.probes.profile --config toon128 --batch 16 --steps 20 [--data .cache/toon128] [--style toon]

Phases, timed with the same code paths as train.py: data (a batch from the render cache: memmap gather +
conversion), generator forward (all heads), reconstruction loss, generator backward + Adam, the EMA update; and
on steps with the GAN terms, the discriminator step (forward on fake and real, loss, backward, Adam; R1 every
16th), the discriminator passes for the adversarial and feature-matching terms, and the generator backward
through them. `--steps` of each kind. Also the teacher's render rate,
which is what filling the cache costs. Prints a table and, with --json, one JSON object.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from ..data import TeacherCache
from ..losses import Discriminator, discriminator_loss, generator_gan_terms, pyramid_loss
from ..model import CONFIGS, Generator
from ..seeds import seeds_to_z
from ..teachers import make_teacher
from ..train import to_model_space


def profile(config: str, batch: int, steps: int, data: Path | None, style: str | None, r1_every: int = 16,
            teacher_faces: int = 64) -> dict:
    cfg = CONFIGS[config]
    G, D = Generator(cfg), Discriminator(cfg.resolution)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False)
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0, 0.99))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0, 0.99))
    rng = np.random.default_rng(0)
    cache = TeacherCache(data) if data else None
    if cache is not None and (cache.z.shape[1] != cfg.z_dim or cache.img.shape[1] != cfg.resolution):
        raise ValueError(f"cache {data} does not match config {config}")
    keys = ("data", "g_forward", "rec_loss", "g_backward_step", "ema",  # every step
            "d_step", "g_adv_forward", "g_backward_step_gan")             # steps with the GAN terms
    t = {k: 0.0 for k in keys}
    n = {k: 0 for k in keys}

    def timed(key, fn):
        t0 = time.perf_counter()
        out = fn()
        t[key] += time.perf_counter() - t0
        n[key] += 1
        return out

    # Steps alternate between reconstruction only and reconstruction + GAN terms (as train.py runs them before
    # and after --adv-start), so that both step costs come from one run.
    for step in range(2 * steps + 2):
        if step == 2:  # the first two steps warm up allocators and kernels
            t, n = {k: 0.0 for k in keys}, {k: 0 for k in keys}
        use_adv = step % 2 == 1
        if cache is not None:
            idx = np.sort(rng.integers(0, len(cache), batch))
            z, real = timed("data", lambda: (torch.from_numpy(cache.z[idx]), to_model_space(cache.img[idx])))
        else:
            z = torch.randn(batch, cfg.z_dim)
            real = torch.rand(batch, 4, cfg.resolution, cfg.resolution) * 2 - 1

        if use_adv:
            def d_step():
                with torch.no_grad():
                    fake = G(z)[-1]
                loss = discriminator_loss(D, fake, real, 1.0, r1_every, step % r1_every == 1)
                opt_d.zero_grad(set_to_none=True)
                loss.backward()
                opt_d.step()
            timed("d_step", d_step)
        outs = timed("g_forward", lambda: G(z, all_heads=True))
        loss_g = timed("rec_loss", lambda: pyramid_loss(outs, real)[0])
        if use_adv:
            def adv_forward():
                adv, fm = generator_gan_terms(D, outs[-1], real)
                return 0.02 * adv + 0.5 * fm  # train.py's default weights
            loss_g = loss_g + timed("g_adv_forward", adv_forward)

        def g_step():
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
        timed("g_backward_step_gan" if use_adv else "g_backward_step", g_step)

        def ema():
            with torch.no_grad():
                for pe, p in zip(G_ema.parameters(), G.parameters()):
                    pe.lerp_(p, 0.001)
        timed("ema", ema)

    per_step = {k: t[k] / max(1, n[k]) * 1000 for k in keys}
    common = per_step["data"] + per_step["g_forward"] + per_step["rec_loss"] + per_step["ema"]
    recon_only = common + per_step["g_backward_step"]
    full = common + per_step["d_step"] + per_step["g_adv_forward"] + per_step["g_backward_step_gan"]
    result = {"config": config, "batch": batch, "steps": steps, "threads": torch.get_num_threads(),
              "ms_per_step": {k: round(v, 2) for k, v in per_step.items()},
              "images_per_s_reconstruction_only": round(batch / recon_only * 1000, 1),
              "images_per_s_with_gan_terms": round(batch / full * 1000, 1)}
    if style:
        teacher = make_teacher(style, cfg.resolution)
        z = seeds_to_z(range(teacher_faces), cfg.z_dim)
        teacher.render(z[:4])  # start-up outside the timing
        t0 = time.perf_counter()
        teacher.render(z)
        result["teacher_faces_per_s"] = round(teacher_faces / (time.perf_counter() - t0), 1)
        result["teacher_workers"] = teacher.workers
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="toon128", choices=sorted(CONFIGS))
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--data", type=Path, default=None, help="a render cache (else random tensors of the same shape)")
    p.add_argument("--style", default=None, help="also time this teacher's renders")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads or max(1, os.cpu_count() or 1))
    r = profile(a.config, a.batch, a.steps, a.data, a.style)
    if a.json:
        print(json.dumps(r))
        return
    print(f"{r['config']}, batch {r['batch']}, {r['threads']} threads, mean of {r['steps']} steps:")
    for k, v in r["ms_per_step"].items():
        print(f"  {k:<20} {v:9.1f} ms")
    print(f"  images/s: {r['images_per_s_reconstruction_only']} (reconstruction only), "
          f"{r['images_per_s_with_gan_terms']} (with the GAN terms)")
    if "teacher_faces_per_s" in r:
        print(f"  teacher: {r['teacher_faces_per_s']} faces/s with {r['teacher_workers']} workers")


if __name__ == "__main__":
    main()
