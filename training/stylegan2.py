"""StyleGAN2 generators in the checkpoint layout of rosinality's stylegan2-pytorch: the layout, a loader that checks a
checkpoint against it, and our own forward pass (written from the StyleGAN2 paper and the layout's names and shapes).

A checkpoint is a dict (`torch.save`) with `g_ema`, the EMA generator's state dict, and optionally `latent_avg`
(the mean w, [D] or [1, D]); training checkpoints also hold `g`, `d`, optimizers and `args`, which are not read.

    python3 -m training.stylegan2 inspect --ckpt toonify.pt           # check the layout, print the arch
    python3 -m training.stylegan2 random --size 64 --out random64.pt  # a random checkpoint (tests)
    python3 -m training.stylegan2 bench --size 1024 --n 32            # teacher renders/s on this machine

The layout for size S = 2^k, style size D, n_mlp mapping layers and channels C[r] per resolution r = 4 .. S:

    style.{1..n_mlp}.weight [D, D], .bias [D]          mapping (index 0 is the parameter-free PixelNorm)
    input.input [1, C4, 4, 4]                          the learned constant
    conv1.*            StyledConv C4 -> C4 at 4 px      (no upsampling, so no blur kernel)
    to_rgb1.*          ToRGB at 4 px                    (no upsampling, so no upsample kernel)
    convs.{2i}.*       StyledConv C[r/2] -> C[r], upsampling, for the i-th resolution r = 8 .. S
    convs.{2i+1}.*     StyledConv C[r] -> C[r]
    to_rgbs.{i}.*      ToRGB at r, adding the upsampled RGB of the level below
    noises.noise_{j} [1, 1, R, R]                       fixed noise, R = 2^((j + 5) // 2), j < 2 log2(S) - 3

    StyledConv P: P.conv.weight [1, out, in, 3, 3], P.conv.modulation.weight [in, D], P.conv.modulation.bias [in],
                  P.noise.weight [1], P.activate.bias [out], and when it upsamples P.conv.blur.kernel [4, 4]
    ToRGB P:      P.conv.weight [1, 3, in, 1, 1], P.conv.modulation.*, P.bias [1, 3, 1, 1], and when it adds the
                  level below P.upsample.kernel [4, 4]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

LAYOUT = "rosinality/stylegan2-pytorch g_ema"
BLUR_TAPS = (1.0, 3.0, 3.0, 1.0)
LRELU_GAIN = math.sqrt(2.0)


class LayoutError(ValueError):
    """A checkpoint that is not in the expected layout; the message names the first key or shape that differed."""


def standard_channels(size: int, channel_multiplier: int = 2) -> tuple[int, ...]:
    """The channel table of the public configs (config-f: channel_multiplier 2), for resolutions 4 .. size."""
    table = {4: 512, 8: 512, 16: 512, 32: 512, 64: 256, 128: 128, 256: 64, 512: 32, 1024: 16}
    return tuple(table[r] * (channel_multiplier if r >= 64 else 1) for r in _resolutions(size))


def _resolutions(size: int) -> list[int]:
    if size < 8 or size & (size - 1):
        raise ValueError(f"expected a power-of-two size >= 8, got {size}")
    return [2 ** k for k in range(2, int(math.log2(size)) + 1)]


@dataclass(frozen=True)
class Arch:
    size: int
    style_dim: int
    n_mlp: int
    channels: tuple[int, ...]  # per resolution 4, 8, ..., size
    lr_mlp: float = 0.01  # not stored in checkpoints: the public default; it only rescales the mapping's weights

    def __post_init__(self):
        if len(self.channels) != len(_resolutions(self.size)):
            raise ValueError(f"expected {len(_resolutions(self.size))} channel counts for {self.size} px, "
                             f"got {len(self.channels)}")

    @property
    def num_layers(self) -> int:
        """Styled convolutions, each with its own noise input."""
        return 2 * len(self.channels) - 1

    @property
    def n_latent(self) -> int:
        """Style inputs (W+ rows): one per styled conv and per ToRGB, shared between a ToRGB and the next conv."""
        return 2 * len(self.channels)

    def summary(self) -> dict:
        return {"size": self.size, "styleDim": self.style_dim, "nMlp": self.n_mlp, "channels": list(self.channels),
                "nLatent": self.n_latent}


def blur_kernel(upsample_gain: float = 4.0) -> torch.Tensor:
    """The separable [1, 3, 3, 1] filter, normalised to sum 1, times the gain that keeps a 2x upsampled
    image's level (4: three of every four samples are inserted zeros)."""
    k = torch.tensor(BLUR_TAPS)
    k = torch.outer(k, k)
    return k / k.sum() * upsample_gain


def expected_layout(arch: Arch) -> dict[str, tuple[int, ...]]:
    """Every key of a g_ema state dict of this architecture, with its shape, in a fixed order."""
    D, ch = arch.style_dim, arch.channels
    s: dict[str, tuple[int, ...]] = {}
    for i in range(1, arch.n_mlp + 1):
        s[f"style.{i}.weight"], s[f"style.{i}.bias"] = (D, D), (D,)
    s["input.input"] = (1, ch[0], 4, 4)

    def styled_conv(p, cin, cout, up):
        s[f"{p}.conv.weight"] = (1, cout, cin, 3, 3)
        s[f"{p}.conv.modulation.weight"], s[f"{p}.conv.modulation.bias"] = (cin, D), (cin,)
        if up:
            s[f"{p}.conv.blur.kernel"] = (4, 4)
        s[f"{p}.noise.weight"] = (1,)
        s[f"{p}.activate.bias"] = (cout,)

    def to_rgb(p, cin, up):
        if up:
            s[f"{p}.upsample.kernel"] = (4, 4)
        s[f"{p}.conv.weight"] = (1, 3, cin, 1, 1)
        s[f"{p}.conv.modulation.weight"], s[f"{p}.conv.modulation.bias"] = (cin, D), (cin,)
        s[f"{p}.bias"] = (1, 3, 1, 1)

    styled_conv("conv1", ch[0], ch[0], False)
    to_rgb("to_rgb1", ch[0], False)
    for i in range(1, len(ch)):
        styled_conv(f"convs.{2 * i - 2}", ch[i - 1], ch[i], True)
        styled_conv(f"convs.{2 * i - 1}", ch[i], ch[i], False)
    for i in range(1, len(ch)):
        to_rgb(f"to_rgbs.{i - 1}", ch[i], True)
    for j in range(arch.num_layers):
        r = 2 ** ((j + 5) // 2)
        s[f"noises.noise_{j}"] = (1, 1, r, r)
    return s


def _shape(sd: dict, key: str) -> tuple[int, ...]:
    if key not in sd:
        raise LayoutError(f"expected key {key!r} ({LAYOUT} layout), but the state dict has none"
                          f"{_hint(sd)}")
    return tuple(sd[key].shape)


def _hint(sd: dict) -> str:
    keys = list(sd)
    if any(k.startswith(("synthesis.", "mapping.")) for k in keys):
        return ("; its keys (e.g. 'synthesis.*', 'mapping.*') are NVIDIA's stylegan2-ada-pytorch layout: convert it "
                "to rosinality's first (their convert_weight scripts)")
    return f"; its first keys: {keys[:5]}"


def infer_arch(sd: dict) -> Arch:
    """The architecture a state dict claims, read from a few anchor keys (then checked in full by check_layout)."""
    style_shape = _shape(sd, "style.1.weight")
    if len(style_shape) != 2 or style_shape[0] != style_shape[1]:
        raise LayoutError(f"style.1.weight: expected shape [D, D], got {list(style_shape)}")
    n_mlp = 1
    while f"style.{n_mlp + 1}.weight" in sd:
        n_mlp += 1
    levels = 0
    while f"to_rgbs.{levels}.conv.weight" in sd:
        levels += 1
    if levels == 0:
        _shape(sd, "to_rgbs.0.conv.weight")  # raises, naming it
    channels = [_shape(sd, "input.input")[1]]
    for i in range(levels):
        w = _shape(sd, f"convs.{2 * i}.conv.weight")
        if len(w) != 5:
            raise LayoutError(f"convs.{2 * i}.conv.weight: expected shape [1, out, in, 3, 3], got {list(w)}")
        channels.append(w[1])
    return Arch(size=4 * 2 ** levels, style_dim=style_shape[0], n_mlp=n_mlp, channels=tuple(channels))


def check_layout(sd: dict, arch: Arch) -> None:
    """Raises LayoutError at the first key, in layout order, that is missing or has another shape; then at the
    first key the layout does not have; then if a resampling kernel is not the [1, 3, 3, 1] one we implement."""
    expected = expected_layout(arch)
    for key, shape in expected.items():
        if key not in sd:
            raise LayoutError(f"missing key {key!r} (expected shape {list(shape)}) for a {arch.size} px generator "
                              f"({LAYOUT} layout){_hint(sd)}")
        got = tuple(sd[key].shape)
        if got != shape:
            raise LayoutError(f"{key}: expected shape {list(shape)}, got {list(got)} (a {arch.size} px generator, "
                              f"style dim {arch.style_dim}, {LAYOUT} layout)")
    extra = [k for k in sd if k not in expected]
    if extra:
        raise LayoutError(f"unexpected key {extra[0]!r} (shape {list(sd[extra[0]].shape)}) for a {arch.size} px "
                          f"generator ({LAYOUT} layout; {len(extra)} unexpected in all)")
    want = blur_kernel()
    for key in expected:
        if key.endswith((".blur.kernel", ".upsample.kernel")) and sd[key].device.type != "meta":
            if not torch.allclose(sd[key].float().cpu(), want, atol=1e-6):
                raise LayoutError(f"{key}: expected the [1, 3, 3, 1] resampling filter (x4), got "
                                  f"{sd[key].tolist()}")


def _torch_load(path: Path, trust_pickle: bool):
    try:
        return torch.load(path, map_location="cpu", weights_only=not trust_pickle)
    except Exception as e:  # an unpickling refusal's type differs between torch versions
        if trust_pickle:
            raise
        raise LayoutError(f"{path}: could not load it with weights_only=True ({type(e).__name__}: "
                          f"{str(e).splitlines()[0][:200]}). Training checkpoints also pickle Python objects "
                          "(e.g. argparse args); if you trust the file, load it with --trust-pickle "
                          "(descriptor: \"trustPickle\": true)") from e


def load_checkpoint(path: Path, trust_pickle: bool = False) -> tuple[dict, torch.Tensor | None, Arch]:
    """(g_ema state dict in float32, latent_avg [D] or None, architecture); LayoutError if the layout differs."""
    path = Path(path)
    ck = _torch_load(path, trust_pickle)
    if not isinstance(ck, dict) or "g_ema" not in ck:
        keys = list(ck)[:8] if isinstance(ck, dict) else type(ck).__name__
        raise LayoutError(f"{path}: expected a dict with 'g_ema' ({LAYOUT} layout), got {keys}")
    sd = {k: v.float() for k, v in ck["g_ema"].items()}
    arch = infer_arch(sd)
    check_layout(sd, arch)
    avg = ck.get("latent_avg")
    if avg is not None:
        avg = avg.float().reshape(-1)
        if avg.shape != (arch.style_dim,):
            raise LayoutError(f"latent_avg: expected shape [{arch.style_dim}] or [1, {arch.style_dim}], "
                              f"got {list(ck['latent_avg'].shape)}")
    return sd, avg, arch


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- forward pass -------------------------------------------------------------------------------------------------

def _fir(x: torch.Tensor, k: torch.Tensor, pad: tuple[int, int]) -> torch.Tensor:
    """Zero-pad by (before, after) on both axes, then a per-channel 2-D FIR (the kernel is symmetric, so
    correlation and convolution agree)."""
    c = x.shape[1]
    x = F.pad(x, [pad[0], pad[1], pad[0], pad[1]])
    return F.conv2d(x, k.to(x.dtype)[None, None].expand(c, 1, *k.shape), groups=c)


def _upsample2x(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """2x upsampling: zeros between the samples, then the FIR (pads 2, 1 keep the output at exactly 2x)."""
    n, c, h, w = x.shape
    up = x.new_zeros(n, c, 2 * h, 2 * w)
    up[:, :, ::2, ::2] = x
    return _fir(up, k, (2, 1))


class StyleGAN2(torch.nn.Module):
    """A StyleGAN2 generator run from a g_ema state dict. Deterministic: the stored noise images, never fresh ones."""

    def __init__(self, sd: dict, arch: Arch, latent_avg: torch.Tensor | None = None):
        super().__init__()
        self.arch = arch
        for key, value in sd.items():
            self.register_buffer(key.replace(".", "__"), value.clone(), persistent=False)
        self.register_buffer("latent_avg", latent_avg.clone() if latent_avg is not None else None, persistent=False)

    def t(self, key: str) -> torch.Tensor:
        return getattr(self, key.replace(".", "__"))

    def mapping(self, z: torch.Tensor) -> torch.Tensor:
        """z [N, D] -> w [N, D]: z normalised by its second moment, then n_mlp dense layers with leaky ReLU."""
        x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        lr = self.arch.lr_mlp
        for i in range(1, self.arch.n_mlp + 1):
            w, b = self.t(f"style.{i}.weight"), self.t(f"style.{i}.bias")
            # equalised learning rate: the stored weights are scaled by lr_mul / sqrt(fan_in), the bias by lr_mul
            x = F.leaky_relu(F.linear(x, w * (lr / math.sqrt(w.shape[1]))) + b * lr, 0.2) * LRELU_GAIN
        return x

    def mean_w(self, n: int = 4096) -> torch.Tensor:
        """latent_avg if the checkpoint has it, else the mean of w over n fixed z (torch generator seed 0)."""
        if self.latent_avg is None:
            z = torch.randn(n, self.arch.style_dim, generator=torch.Generator().manual_seed(0))
            self.latent_avg = self.mapping(z.to(self.t("input.input").device)).mean(0)
        return self.latent_avg

    def _modconv(self, p: str, x: torch.Tensor, w: torch.Tensor, demodulate: bool, up: bool = False):
        weight = self.t(f"{p}.weight")[0]  # [out, in, k, k]
        aw, ab = self.t(f"{p}.modulation.weight"), self.t(f"{p}.modulation.bias")
        s = F.linear(w, aw / math.sqrt(aw.shape[1]), ab)  # per-sample input-channel scales [N, in]
        weight = weight / math.sqrt(weight[0].numel())  # equalised learning rate
        x = x * s[:, :, None, None]
        if up:  # transposed conv stride 2 with the same weights, then the blur that removes its aliasing
            x = F.conv_transpose2d(x, weight.transpose(0, 1), stride=2)
            x = _fir(x, self.t(f"{p}.blur.kernel"), (1, 1))
        else:
            x = F.conv2d(x, weight, padding=weight.shape[-1] // 2)
        if demodulate:
            # 1 / ||s * weight|| per sample and output channel: the same as demodulating the modulated weights
            d = torch.rsqrt((s.pow(2) @ weight.pow(2).sum((2, 3)).t()) + 1e-8)  # [N, out]
            x = x * d[:, :, None, None]
        return x

    def _styled(self, p: str, x, w, noise_index: int, up: bool = False):
        x = self._modconv(f"{p}.conv", x, w, demodulate=True, up=up)
        x = x + self.t(f"{p}.noise.weight") * self.t(f"noises.noise_{noise_index}")
        return F.leaky_relu(x + self.t(f"{p}.activate.bias")[None, :, None, None], 0.2) * LRELU_GAIN

    def _rgb(self, p: str, x, w, below=None):
        out = self._modconv(f"{p}.conv", x, w, demodulate=False) + self.t(f"{p}.bias")
        if below is not None:
            out = out + _upsample2x(below, self.t(f"{p}.upsample.kernel"))
        return out

    def synthesis(self, ws: torch.Tensor) -> torch.Tensor:
        """ws [N, n_latent, D] -> RGB [N, 3, S, S], nominally in [-1, 1]."""
        x = self.t("input.input").expand(ws.shape[0], -1, -1, -1)
        x = self._styled("conv1", x, ws[:, 0], 0)
        rgb = self._rgb("to_rgb1", x, ws[:, 1])
        for i in range(1, len(self.arch.channels)):
            k = 2 * i - 1  # the style row and noise index of this level's first conv
            x = self._styled(f"convs.{2 * i - 2}", x, ws[:, k], k, up=True)
            x = self._styled(f"convs.{2 * i - 1}", x, ws[:, k + 1], k + 1)
            rgb = self._rgb(f"to_rgbs.{i - 1}", x, ws[:, k + 2], rgb)
        return rgb

    def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        w = self.mapping(z)
        if truncation != 1.0:
            avg = self.mean_w()
            w = avg + truncation * (w - avg)
        return self.synthesis(w[:, None].expand(-1, self.arch.n_latent, -1))


def load_generator(path: Path, trust_pickle: bool = False) -> StyleGAN2:
    sd, avg, arch = load_checkpoint(path, trust_pickle)
    return StyleGAN2(sd, arch, avg).eval()


# --- random checkpoints (tests, benchmarks) -----------------------------------------------------------------------

def random_state_dict(arch: Arch, seed: int = 0, noise_strength: float = 0.1, rgb_gain: float = 0.5) -> dict:
    """A g_ema state dict of this architecture with the public initialisation (unit-variance weights, modulation
    bias 1, mapping weights / lr_mul), except for a small non-zero noise strength, so that the noise path counts,
    and ToRGB weights times rgb_gain, so that the sum of the levels' RGB stays mostly inside [-1, 1]."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in expected_layout(arch).items():
        if key.endswith(".kernel"):
            sd[key] = blur_kernel()
        elif key.endswith("modulation.bias"):
            sd[key] = torch.ones(shape)
        elif key.endswith("noise.weight"):
            sd[key] = torch.full(shape, noise_strength)
        elif key.startswith("style.") and key.endswith(".weight"):
            sd[key] = torch.randn(shape, generator=g) / arch.lr_mlp
        elif key.endswith(".bias"):  # mapping, activation and ToRGB biases
            sd[key] = torch.zeros(shape)
        elif key.startswith("to_rgb") and key.endswith("conv.weight"):
            sd[key] = torch.randn(shape, generator=g) * rgb_gain
        else:  # conv weights, the constant, the noise images
            sd[key] = torch.randn(shape, generator=g)
    return sd


def save_random_checkpoint(out: Path, arch: Arch, seed: int = 0, with_latent_avg: bool = True) -> Path:
    """A checkpoint as rosinality's scripts write it ({'g_ema': ..., 'latent_avg': ...}), random weights."""
    sd = random_state_dict(arch, seed)
    ck = {"g_ema": sd}
    if with_latent_avg:
        ck["latent_avg"] = StyleGAN2(sd, arch).eval().mean_w(512).detach().clone()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(ck, out)
    return out


# --- command line -------------------------------------------------------------------------------------------------

def bench(size: int, n: int, batch: int, amp: bool) -> dict:
    """Renders/s of a random standard-size generator (config-f channels, 512-d, 8 mapping layers): the weights'
    values do not change the cost, so no real checkpoint is needed to measure it."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    arch = Arch(size, 512, 8, standard_channels(size))
    G = StyleGAN2(random_state_dict(arch), arch).eval().to(device)
    z = torch.randn(batch, 512, generator=torch.Generator().manual_seed(1)).to(device)

    def run():
        with torch.no_grad(), torch.autocast(device.type, dtype=torch.float16 if device.type == "cuda"
                                             else torch.bfloat16, enabled=amp):
            G(z)
        if device.type == "cuda":
            torch.cuda.synchronize()

    run()  # warm-up
    t0, done = time.perf_counter(), 0
    while done < n:
        run()
        done += batch
    dt = time.perf_counter() - t0
    return {"device": str(torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"), "size": size,
            "batch": batch, "amp": amp, "images": done, "images_per_s": round(done / dt, 2),
            "hours_per_100k": round(100_000 / (done / dt) / 3600, 2)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    ins = sub.add_parser("inspect", help="check a checkpoint's layout and print its architecture")
    ins.add_argument("--ckpt", type=Path, required=True)
    ins.add_argument("--trust-pickle", action="store_true")
    rnd = sub.add_parser("random", help="write a random checkpoint in the layout (for tests)")
    rnd.add_argument("--size", type=int, default=64)
    rnd.add_argument("--style-dim", type=int, default=512)
    rnd.add_argument("--n-mlp", type=int, default=2)
    rnd.add_argument("--channels", default="32,32,16,16,8", help="per resolution 4 .. size, or 'standard'")
    rnd.add_argument("--seed", type=int, default=0)
    rnd.add_argument("--out", type=Path, required=True)
    b = sub.add_parser("bench", help="teacher renders/s for a random generator of a standard size")
    b.add_argument("--size", type=int, default=1024)
    b.add_argument("--n", type=int, default=32)
    b.add_argument("--batch", type=int, default=8)
    b.add_argument("--amp", action="store_true", help="float16 autocast on CUDA (bfloat16 on a CPU)")
    a = p.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)  # Debian's torch starts with one thread whatever the machine
    if a.cmd == "inspect":
        _, avg, arch = load_checkpoint(a.ckpt, a.trust_pickle)
        print(json.dumps({**arch.summary(), "latentAvg": avg is not None, "sha256": sha256_file(a.ckpt)}))
    elif a.cmd == "random":
        ch = standard_channels(a.size) if a.channels == "standard" else tuple(int(c) for c in a.channels.split(","))
        save_random_checkpoint(a.out, Arch(a.size, a.style_dim, a.n_mlp, ch), a.seed)
        print(f"wrote {a.out}")
    else:
        print(json.dumps(bench(a.size, a.n, a.batch, a.amp)))


if __name__ == "__main__":
    try:
        main()
    except LayoutError as e:  # the message names what differed; a traceback adds nothing
        raise SystemExit(f"error: {e}")
