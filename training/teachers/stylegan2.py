"""A StyleGAN2 checkpoint as a teacher (docs/stylegan2-teacher.md): our z -> the teacher's z -> its face, in the
FFHQ-aligned canonical frame, with a soft head-and-hair matte for alpha, area-downsampled to the student's size.

A teacher is described by a JSON file, so that every command (cache, export, evaluate) rebuilds the same one:

    python3 -m training.teachers.stylegan2 --ckpt toonify.pt --name toonify --licence LicenseRef-NC \\
        --provenance "..." --truncation 0.7 --out runs/toonify/teacher.json
    python3 -m training.data --style runs/toonify/teacher.json --res 256 --z-dim 512 --seeds 0:100000 ...
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..seeds import seeds_to_z
from ..stylegan2 import LAYOUT, LayoutError, load_generator, sha256_file
from .base import Teacher

DESCRIPTOR_FORMAT = "blaze-face/teacher"
KIND = "stylegan2-rosinality"

# Eyes and mouth (mouth-corner midpoint) of the FFHQ alignment, as fractions of the image (x right, y down). The
# alignment maps the crop centre c = eyes' midpoint + 0.1 * (mouth - eyes' midpoint) to the image centre and the
# crop's half-side max(2 * eye distance, 1.8 * eye-to-mouth distance) to half the image; for a face whose
# eye-to-mouth distance equals its eye distance that puts the eyes at x 0.375 / 0.625, y 0.475 and the mouth at
# y 0.725. Override with the descriptor's "canonical" when a checkpoint was aligned otherwise.
FFHQ_CANONICAL = {"leftEye": [0.375, 0.475], "rightEye": [0.625, 0.475], "mouth": [0.5, 0.725]}

# The matte: an axis-aligned ellipse around the alignment's crop centre, radii in units of the crop's half-side
# (0.72 wide, 0.94 tall: the head with its hair, chin to crown), opaque out to 0.82 of its radius and fading to
# zero at 1.06 (smoothstep). For FFHQ_CANONICAL: centre (0.5, 0.5), radii 0.36 x 0.47 of the image.
MATTE_RADII = (0.72, 0.94)
MATTE_EDGE = (0.82, 1.06)


def z_to_teacher(z: np.ndarray, teacher_dim: int) -> np.ndarray:
    """Our z [N, d] -> the teacher's z [N, D]. d == D: unchanged. d < D: z fills the first d coordinates, the rest
    are 0, scaled by sqrt(D / d) so that |z|^2 has the teacher's expected D (StyleGAN2 normalises z anyway). The
    teacher's prior is isotropic, so a coordinate slice is as good as any d-dimensional subspace: the student sees
    a d-dimensional slice of the teacher's latent space, all of it when d == D (the 512-d configs, r*)."""
    z = np.asarray(z, dtype=np.float32)
    d = z.shape[1]
    if d == teacher_dim:
        return z
    if d > teacher_dim:
        raise ValueError(f"expected a student z_dim of at most the teacher's {teacher_dim}, got {d}")
    out = np.zeros((len(z), teacher_dim), np.float32)
    out[:, :d] = z * np.float32(np.sqrt(teacher_dim / d))
    return out


def soft_matte(size: int, canonical: dict) -> torch.Tensor:
    """Alpha [1, 1, size, size] in [0, 1] from canonical points given as fractions of the image, at pixel centres."""
    le, re, mo = (np.asarray(canonical[k], np.float64) for k in ("leftEye", "rightEye", "mouth"))
    eyes = (le + re) / 2
    centre = eyes + 0.1 * (mo - eyes)
    half = max(2 * np.hypot(*(re - le)), 1.8 * np.hypot(*(mo - eyes)))
    c = (torch.arange(size, dtype=torch.float64) + 0.5) / size
    y, x = torch.meshgrid(c, c, indexing="ij")
    r = torch.sqrt(((x - centre[0]) / (MATTE_RADII[0] * half)) ** 2 + ((y - centre[1]) / (MATTE_RADII[1] * half)) ** 2)
    t = ((r - MATTE_EDGE[0]) / (MATTE_EDGE[1] - MATTE_EDGE[0])).clamp(0, 1)
    return (1 - t * t * (3 - 2 * t)).float()[None, None]


def write_descriptor(out: Path, ckpt: Path, name: str, licence: str, provenance: str, truncation: float = 1.0,
                     canonical: dict | None = None, trust_pickle: bool = False, amp: bool = False) -> dict:
    """Checks the checkpoint's layout, then writes the descriptor (the checkpoint's path relative to it)."""
    if not licence or not provenance:
        raise ValueError("expected a licence (SPDX id or LicenseRef-...) and a provenance for the teacher's weights: "
                         "model.json records both")
    gen = load_generator(ckpt, trust_pickle)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rel = os.path.relpath(Path(ckpt).resolve(), out.parent.resolve())  # the two can move together
    d = {"format": DESCRIPTOR_FORMAT, "kind": KIND, "name": name, "checkpoint": str(rel),
         "sha256": sha256_file(ckpt), "architecture": gen.arch.summary(), "truncation": truncation,
         "licence": licence, "provenance": provenance, "canonical": canonical or FFHQ_CANONICAL,
         "trustPickle": trust_pickle, "amp": amp}
    out.write_text(json.dumps(d, indent=2) + "\n")
    return d


class StyleGAN2Teacher(Teacher):
    """z [N, d] -> uint8 [N, R, R, 4] premultiplied RGBA: the generator at its own size S (truncation in w, stored
    noise), RGB clamped to [0, 1], times the matte, then area-averaged by S / R (premultiplied, so colour and
    alpha average together), rounded half up. Same z, same device, same bytes."""

    def __init__(self, descriptor: str | Path, resolution: int, batch: int = 16, device: str | None = None):
        path = Path(descriptor)
        d = json.loads(path.read_text())
        if d.get("format") != DESCRIPTOR_FORMAT or d.get("kind") != KIND:
            raise ValueError(f"{path}: expected a {DESCRIPTOR_FORMAT!r} descriptor of kind {KIND!r}, got "
                             f"format {d.get('format')!r}, kind {d.get('kind')!r}")
        ckpt = Path(d["checkpoint"])
        ckpt = ckpt if ckpt.is_absolute() else path.parent / ckpt
        digest = sha256_file(ckpt)
        if digest != d["sha256"]:
            raise ValueError(f"{ckpt}: expected sha256 {d['sha256']} (the file the descriptor was written for), "
                             f"got {digest}")
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        if self.device.type == "cpu" and torch.get_num_threads() == 1:
            torch.set_num_threads(os.cpu_count() or 1)  # Debian's torch starts with one thread whatever the machine
        self.gen = load_generator(ckpt, d.get("trustPickle", False)).to(self.device)
        size = self.gen.arch.size
        if resolution > size or size % resolution or (size // resolution) & (size // resolution - 1):
            raise ValueError(f"the teacher draws {size} px: expected a student resolution of {size} divided by a "
                             f"power of two, got {resolution}")
        self.name = str(descriptor)  # what make_teacher takes to build this teacher again (model.json data.teacher)
        self.style_name = d["name"]
        self.resolution = resolution
        self.truncation = float(d.get("truncation", 1.0))
        self.licence, self.provenance = d["licence"], d["provenance"]
        self.canonical = d.get("canonical") or FFHQ_CANONICAL
        self.landmarks = {k: [v[0] * resolution, v[1] * resolution] for k, v in self.canonical.items()}
        # float16 autocast on CUDA: a choice of the descriptor, since it changes the renders' last bits
        self.batch, self.amp = batch, bool(d.get("amp", False))
        self.matte = soft_matte(size, self.canonical).to(self.device)
        self.record = {"layout": LAYOUT, "checkpointSha256": d["sha256"], "truncation": self.truncation,
                       "zMap": "z padded with zeros to the teacher's z size, times sqrt(teacher / ours)",
                       "alpha": "soft head-and-hair matte in the canonical frame (training/teachers/stylegan2.py)"}

    @property
    def label(self) -> str:
        return self.style_name

    @torch.no_grad()
    def render_unit(self, z: np.ndarray) -> torch.Tensor:
        """Premultiplied RGBA in [0, 1], [N, 4, R, R], float32 on the CPU (before rounding to bytes)."""
        zt = torch.from_numpy(z_to_teacher(z, self.gen.arch.style_dim)).to(self.device)
        with torch.autocast(self.device.type, enabled=self.amp and self.device.type == "cuda"):
            rgb = self.gen(zt, self.truncation).float()
        rgb = ((rgb + 1) / 2).clamp(0, 1)
        rgba = torch.cat([rgb * self.matte, self.matte.expand(len(rgb), -1, -1, -1)], dim=1)
        factor = self.gen.arch.size // self.resolution
        if factor > 1:
            rgba = F.avg_pool2d(rgba, factor)
        return rgba.cpu()

    def render(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2:
            raise ValueError(f"expected z of shape [N, z_dim], got {z.shape}")
        out = np.zeros((len(z), self.resolution, self.resolution, 4), np.uint8)
        for i in range(0, len(z), self.batch):
            x = self.render_unit(z[i:i + self.batch])
            out[i:i + self.batch] = torch.floor(x * 255 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).numpy()
        return out


def canonical_arg(text: str | None) -> dict | None:
    if text is None:
        return None
    v = [float(x) for x in text.split(",")]
    if len(v) != 6:
        raise ValueError(f"expected --canonical as 6 fractions lx,ly,rx,ry,mx,my, got {text!r}")
    return {"leftEye": v[0:2], "rightEye": v[2:4], "mouth": v[4:6]}


def main(argv=None):
    p = argparse.ArgumentParser(description="Check a StyleGAN2 checkpoint and write its teacher descriptor.")
    p.add_argument("--ckpt", type=Path, required=True)
    p.add_argument("--name", required=True, help="the style's name (model.json name)")
    p.add_argument("--licence", required=True, help="of the checkpoint's weights: an SPDX id or LicenseRef-...")
    p.add_argument("--provenance", required=True, help="where the weights come from, and what they were trained on")
    p.add_argument("--truncation", type=float, default=1.0, help="psi in w for every render (1: none)")
    p.add_argument("--canonical", default=None, help="lx,ly,rx,ry,mx,my as fractions (default: FFHQ alignment)")
    p.add_argument("--trust-pickle", action="store_true", help="load a checkpoint that pickles Python objects")
    p.add_argument("--amp", action="store_true", help="render in float16 autocast on CUDA")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--preview", type=Path, default=None, help="also write 8 renders (seeds 0-7) as a PNG strip")
    a = p.parse_args(argv)
    d = write_descriptor(a.out, a.ckpt, a.name, a.licence, a.provenance, a.truncation, canonical_arg(a.canonical),
                         a.trust_pickle, a.amp)
    print(json.dumps(d["architecture"]))
    if a.preview:
        from PIL import Image
        t = StyleGAN2Teacher(a.out, d["architecture"]["size"])
        img = t.render(seeds_to_z(range(8), d["architecture"]["styleDim"]))
        Image.fromarray(np.concatenate(list(img), axis=1), "RGBa").convert("RGBA").save(a.preview)


if __name__ == "__main__":
    try:
        main()
    except LayoutError as e:  # the message names what differed; a traceback adds nothing
        raise SystemExit(f"error: {e}")
