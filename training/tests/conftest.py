import os
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
torch.set_num_threads(max(1, os.cpu_count() or 1))


@pytest.fixture(scope="session")
def tiny_cache(tmp_path_factory):
    """64 teacher renders at 32 px, z_dim 32 (the `tiny` config)."""
    from training.data import build_cache
    out = tmp_path_factory.mktemp("cache")
    build_cache("toon", 32, 32, range(0, 64), out, chunk=64)
    return out
