"""Teachers: deterministic maps from a latent z to an RGBA image (premultiplied uint8, [N, H, W, 4]).

The student is distilled from a teacher on the same latents. Two kinds: the procedural ones (Node renderers, named
by style) and a StyleGAN2 checkpoint (training/stylegan2_teacher.py, named by the path of its .json descriptor).
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RENDER_SCRIPT = REPO / "training" / "teacher" / "render.mjs"


class Teacher:
    """z [N, z_dim] float32 -> uint8 [N, res, res, 4] premultiplied RGBA. Same z, same bytes."""

    name: str = "teacher"
    resolution: int
    licence: str = ""
    provenance: str = ""
    # canonical landmark positions in output pixels
    landmarks: dict = {}
    # more facts for model.json's data block (beside teacher, licence, provenance)
    record: dict = {}
    # z coordinates a page may set by meaning: model.json's `controls` (training/controls.py); none by default
    controls: dict = {}

    @property
    def label(self) -> str:
        """The style's name in model.json; `name` is what make_teacher takes to build the teacher again."""
        return self.name

    def render(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class ProceduralTeacher(Teacher):
    """A Node renderer (training/teacher/<style>.mjs): vector art drawn with resvg."""

    STYLES = ("sketch", "toon")

    def __init__(self, style: str, resolution: int, workers: int | None = None, node: str = "node"):
        if style not in self.STYLES:
            raise ValueError(f"unknown procedural style {style!r}; expected one of {sorted(self.STYLES)}")
        self.name = style
        self.resolution = resolution
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.node = node
        info = json.loads(subprocess.run([node, str(RENDER_SCRIPT), "--style", style, "--info", "1"], check=True,
                                         cwd=REPO, capture_output=True, text=True).stdout)
        self.licence = info["licence"]
        self.provenance = info["provenance"]
        self.used_dims = info["usedDims"]
        self.controls = info.get("controls", {})
        # fractions of the output size -> pixels
        self.landmarks = {k: [v[0] * resolution, v[1] * resolution] for k, v in info["landmarks"].items()}

    def _render_chunk(self, z: np.ndarray) -> np.ndarray:
        with tempfile.TemporaryDirectory() as d:
            zin, out = Path(d) / "z.f32", Path(d) / "img.u8"
            np.ascontiguousarray(z, dtype="<f4").tofile(zin)
            subprocess.run([self.node, str(RENDER_SCRIPT), "--style", self.name, "--res", str(self.resolution),
                            "--z-dim", str(z.shape[1]), "--in", str(zin), "--out", str(out)],
                           check=True, cwd=REPO)
            img = np.fromfile(out, dtype=np.uint8)
        return img.reshape(len(z), self.resolution, self.resolution, 4)

    def render(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2:
            raise ValueError(f"expected z of shape [N, z_dim], got {z.shape}")
        if len(z) == 0:
            return np.zeros((0, self.resolution, self.resolution, 4), np.uint8)
        chunks = np.array_split(z, min(self.workers, len(z)))
        with ThreadPoolExecutor(len(chunks)) as ex:
            return np.concatenate(list(ex.map(self._render_chunk, chunks)))


def make_teacher(style: str, resolution: int, **kw) -> Teacher:
    """`style`: a procedural style name, or the path of a StyleGAN2 teacher descriptor (.json)."""
    if str(style).endswith(".json"):
        from .stylegan2_teacher import StyleGAN2Teacher
        kw.pop("workers", None)  # the procedural renderer's process count: a torch teacher batches instead
        return StyleGAN2Teacher(style, resolution, **kw)
    return ProceduralTeacher(style, resolution, **kw)
