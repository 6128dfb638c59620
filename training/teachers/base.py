"""The interface every teacher implements."""
from __future__ import annotations

import numpy as np


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
