"""Images for people: composite on mid grey, teacher | student grids."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image


GREY = 0.5


def over_grey(rgba01: torch.Tensor) -> torch.Tensor:
    """Premultiplied RGBA [0, 1] NCHW -> RGB composited over mid grey."""
    return rgba01[:, :3] + (1 - rgba01[:, 3:4]) * GREY


def composite_grey(x: torch.Tensor) -> torch.Tensor:
    """Model-space RGBA [-1, 1] (premultiplied) NCHW -> RGB [0, 1] composited over mid grey."""
    return over_grey((x.clamp(-1, 1) + 1) / 2).clamp(0, 1)


def save_grid(path: Path, teacher: torch.Tensor, student: torch.Tensor, cols: int = 8) -> None:
    """Pairs side by side: teacher | student, `cols` pairs per row."""
    t, s = composite_grey(teacher.float()), composite_grey(student.float())
    if t.shape[-1] != s.shape[-1]:
        s = torch.nn.functional.interpolate(s, size=t.shape[-2:], mode="nearest")
    pairs = torch.cat([t, s], dim=3)  # N, 3, H, 2W
    n, _, h, w = pairs.shape
    cols = min(cols, n)
    rows = (n + cols - 1) // cols
    grid = torch.ones(3, rows * (h + 2), cols * (w + 2))
    for i in range(n):
        r, c = divmod(i, cols)
        grid[:, r * (h + 2):r * (h + 2) + h, c * (w + 2):c * (w + 2) + w] = pairs[i]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray((grid.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(path)
