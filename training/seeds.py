"""Integer seed -> latent z, bit-compatible with src/core/seed.ts (spec: docs/model-format.md, "Seeds")."""
import math

import numpy as np

_M32 = 0xFFFFFFFF


def _hash32(x: int) -> int:
    # A 32-bit integer finaliser (xorshift-multiply); every step is exact in 32-bit arithmetic,
    # so JavaScript (Math.imul, >>> 0) reproduces it bit for bit.
    x &= _M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & _M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & _M32
    x ^= x >> 16
    return x


def _uniform(seed: int, k: int) -> float:
    """The k-th uniform of a seed, in the open interval (0, 1)."""
    h = _hash32(_hash32(seed) ^ _hash32((k + 0x9E3779B9) & _M32))
    return (h + 0.5) / 4294967296.0


def seed_to_z(seed: int, z_dim: int) -> np.ndarray:
    """Box-Muller on counter-based uniforms: z[2i], z[2i+1] from uniforms 2i and 2i+1. float32."""
    if not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= _M32:
        raise ValueError(f"seed must be an integer in [0, 2^32), got {seed!r}")
    seed = int(seed)
    z = np.empty(z_dim, dtype=np.float64)
    for i in range(0, z_dim, 2):
        u1 = _uniform(seed, i)
        u2 = _uniform(seed, i + 1)
        r = math.sqrt(-2.0 * math.log(u1))
        z[i] = r * math.cos(2.0 * math.pi * u2)
        if i + 1 < z_dim:
            z[i + 1] = r * math.sin(2.0 * math.pi * u2)
    return z.astype(np.float32)


def seeds_to_z(seeds, z_dim: int) -> np.ndarray:
    return np.stack([seed_to_z(s, z_dim) for s in seeds])
