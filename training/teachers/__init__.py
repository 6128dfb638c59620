"""Teachers: deterministic maps from a latent z to an RGBA image (premultiplied uint8, [N, H, W, 4]).

The student is distilled from a teacher on the same latents. Two kinds: the procedural ones (Node renderers,
`procedural.py`, named by style) and a StyleGAN2 checkpoint (`stylegan2.py`, named by the path of its .json
descriptor). `base.Teacher` is the interface both implement.
"""
from __future__ import annotations

from .base import Teacher
from .procedural import ProceduralTeacher, procedural_info

__all__ = ["ProceduralTeacher", "Teacher", "make_teacher", "procedural_info"]


def make_teacher(style: str, resolution: int, **kw) -> Teacher:
    """`style`: a procedural style name, or the path of a StyleGAN2 teacher descriptor (.json)."""
    if str(style).endswith(".json"):
        from .stylegan2 import StyleGAN2Teacher
        kw.pop("workers", None)  # the procedural renderer's process count: a torch teacher batches instead
        return StyleGAN2Teacher(style, resolution, **kw)
    return ProceduralTeacher(style, resolution, **kw)
