"""The procedural teachers: rules in Node (training/teachers/<style>.mjs) that draw vector art from z, rasterised
by resvg (render.mjs)."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .base import Teacher

REPO = Path(__file__).resolve().parents[2]
RENDER_SCRIPT = Path(__file__).resolve().parent / "render.mjs"


def procedural_info(style: str, node: str = "node") -> dict:
    """The rule's facts (training/teachers/<style>.mjs INFO): licence, controls, choices, canonical landmarks."""
    return json.loads(subprocess.run([node, str(RENDER_SCRIPT), "--style", style, "--info", "1"], check=True,
                                     cwd=REPO, capture_output=True, text=True).stdout)


class ProceduralTeacher(Teacher):
    """A Node renderer (training/teachers/<style>.mjs): vector art drawn with resvg."""

    STYLES = ("sketch", "toon")

    def __init__(self, style: str, resolution: int, workers: int | None = None, node: str = "node"):
        if style not in self.STYLES:
            raise ValueError(f"unknown procedural style {style!r}; expected one of {sorted(self.STYLES)}")
        self.name = style
        self.resolution = resolution
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.node = node
        info = procedural_info(style, node)
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
