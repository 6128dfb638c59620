"""The BlazeStyleGAN student: mapping MLP, 1/4-resolution synthesis blocks, and UpToRGBA heads.

Design (why, with the numbers from `python -m training.model`): see training/README.md, "Architecture".
Every op here has a one-to-one counterpart in src/core/generator.ts; the exported weights are the
inference-time weights (equalised-lr gains, demodulation and activation gains folded in).
"""
from __future__ import annotations

import argparse
import functools
import json
import math
import statistics
from dataclasses import asdict, dataclass, field, replace

import torch
import torch.nn as nn
import torch.nn.functional as F

LRELU_SLOPE = 0.2
LRELU_GAIN = math.sqrt(2.0)  # keeps activation variance roughly constant; folded away at export


@dataclass
class GeneratorConfig:
    resolution: int = 256
    z_dim: int = 512
    w_dim: int = 512
    mapping_layers: int = 8
    mapping_lr_mul: float = 0.01
    # Channels of each synthesis block; block i runs at 4 * 2**i pixels, the last at resolution / 4.
    channels: list = field(default_factory=lambda: [256, 256, 128, 64, 32])
    # The UpToRGBA head: a modulated conv to 4*head_channels[0] at block resolution, depth-to-space x2,
    # a 3x3 conv to 4*head_channels[1], depth-to-space x2, a 3x3 conv to RGBA.
    head_channels: list = field(default_factory=lambda: [16, 8])
    # The last head's output is added to the previous head's, upsampled 2x (bilinear): StyleGAN2's skip
    # connection, at the top scale only. A config grown from a trained one then starts as that model scaled up
    # (grow_from zeroes the new head's last conv) and learns only the detail; inference runs these two heads.
    skip: bool = False
    # The last head's [c1, c2] when it is wider than the auxiliary heads (None: head_channels). All line detail
    # at the output size is drawn here, so this is where width buys sharpness (training/EXPERIMENTS.md, "Crisp
    # faces"); the auxiliary heads stay narrow, and a base's last head keeps its width when it becomes the skip.
    last_head_channels: list | None = None
    # The procedural style whose teacher's discrete choices (its rule's CHOICES: where a coordinate's u picks
    # another part) the mapping also reads, as one step tanh((z[i] - at) / z_step_width) per cut. A smooth MLP
    # otherwise has to learn each part's staircase from one coordinate, and draws the average part (training/
    # EXPERIMENTS.md, "Crisp faces"). "<style>:local": the cuts of its small parts alone (z_steps_of). None: the
    # mapping reads z alone.
    z_steps: str | None = None
    z_step_width: float = 0.04

    def __post_init__(self):
        expected = int(math.log2(self.resolution // 4)) - 1
        if 2 ** (expected + 3) != self.resolution or len(self.channels) != expected:
            raise ValueError(
                f"resolution {self.resolution} needs {expected} blocks (4x4 up to {self.resolution // 4}), "
                f"got channels of length {len(self.channels)}"
            )
        if self.skip and len(self.channels) < 2:
            raise ValueError("skip adds the previous head's output, so it needs at least two blocks")

    @property
    def top_head_channels(self) -> list:
        return list(self.last_head_channels or self.head_channels)

    @property
    def num_blocks(self) -> int:
        return len(self.channels)

    @property
    def num_ws(self) -> int:
        return 2 * self.num_blocks + 1

    def block_resolution(self, i: int) -> int:
        return 4 * 2 ** i


_CPU128 = GeneratorConfig(resolution=128, z_dim=64, w_dim=256, mapping_layers=4, mapping_lr_mul=1.0,
                          channels=[256, 256, 128, 64], head_channels=[16, 8])
# _CPU128 grown by one block at 64 px: it starts from a trained 128 px checkpoint (grow_from).
_CPU256 = GeneratorConfig(resolution=256, z_dim=64, w_dim=256, mapping_layers=4, mapping_lr_mul=1.0,
                          channels=[256, 256, 128, 64, 32], head_channels=[16, 8], skip=True)

# _CPU256 with its fine end widened: the 64 px block at 64 channels and the last head at 24/12 (0.67 GFLOP a face
# against 0.38; 32/16 would be 0.97). It starts from a
# trained _CPU256 checkpoint as the same function (widen_from) and trains the widened parts on the frozen base.
_CPU256W = GeneratorConfig(resolution=256, z_dim=64, w_dim=256, mapping_layers=4, mapping_lr_mul=1.0,
                           channels=[256, 256, 128, 64, 64], head_channels=[16, 8], skip=True,
                           last_head_channels=[24, 12])

# _CPU128 with its 32 px block (its last) at 128 channels instead of 64: a probe of whether the base's capacity at
# the scale where the parts are placed is what keeps the mouths and noses generic (training/EXPERIMENTS.md, "Crisp
# faces"). It starts from a trained _CPU128 as the same function (widen_from).
_CPU128W = replace(_CPU128, channels=[256, 256, 128, 128])

# The same models with the teacher's z steps in the mapping (add_steps_from starts them as the models above).
_STEPS = {f"{style}{res}c": replace(cfg, z_steps=style) for style in ("toon", "sketch")
          for res, cfg in ((128, _CPU128), (256, _CPU256))}
# Steps for the small parts' cuts alone (the rule's localChoices: mouth, nose, eyes, glasses...): the large parts
# (toon's sex, head and hair; sketch's hair and head) stay smooth functions of z, so that a latent path morphs them
# over frames instead of switching them in one (training/EXPERIMENTS.md).
_STEPS.update({f"{style}{res}l": replace(cfg, z_steps=f"{style}:local") for style in ("toon", "sketch")
               for res, cfg in ((128, _CPU128), (256, _CPU256))})

CONFIGS = {
    # The styles: small enough to train on two CPU cores. One architecture per size, named per style so that a
    # checkpoint says what it was trained on; sketch128 starts from toon128's weights (--init), and each *256
    # is its *128 grown by a block (--init --freeze-grown; both *256 are shipped).
    "toon128": _CPU128,
    "sketch128": _CPU128,
    "toon256": _CPU256,
    "sketch256": _CPU256,
    "toon256w": _CPU256W,
    "toon128w": _CPU128W,
    "sketch256w": _CPU256W,
    "r128": GeneratorConfig(resolution=128, z_dim=512, w_dim=512, mapping_layers=8,
                            channels=[256, 256, 128, 64], head_channels=[16, 8]),
    "r256": GeneratorConfig(resolution=256, z_dim=512, w_dim=512, mapping_layers=8,
                            channels=[256, 256, 256, 128, 64], head_channels=[16, 8]),
    "r512": GeneratorConfig(resolution=512, z_dim=512, w_dim=512, mapping_layers=8,
                            channels=[256, 256, 256, 128, 64, 32], head_channels=[16, 8]),
    **_STEPS,
    # For tests: seconds on a CPU.
    "tiny": GeneratorConfig(resolution=32, z_dim=32, w_dim=32, mapping_layers=2,
                            channels=[32, 16], head_channels=[8, 4]),
    "tinyc": GeneratorConfig(resolution=32, z_dim=32, w_dim=32, mapping_layers=2, channels=[32, 16],
                             head_channels=[8, 4], z_steps="toon"),  # tiny with toon's z steps
    "tiny64": GeneratorConfig(resolution=64, z_dim=32, w_dim=32, mapping_layers=2,
                              channels=[32, 16, 8], head_channels=[8, 4], skip=True),  # tiny grown by one block
    "tiny64w": GeneratorConfig(resolution=64, z_dim=32, w_dim=32, mapping_layers=2, channels=[32, 16, 12],
                               head_channels=[8, 4], skip=True, last_head_channels=[12, 6]),  # tiny64 widened
}


def lrelu(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, LRELU_SLOPE) * LRELU_GAIN


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias=None, padding: int = 0, groups: int = 1) -> torch.Tensor:
    """F.conv2d on a channels-last input. On a CPU, oneDNN's convolutions with this model's few channels are faster
    that way (training/EXPERIMENTS.md, "toon256 and sketch256"). The result is the same convolution."""
    return F.conv2d(x.contiguous(memory_format=torch.channels_last), weight, bias, padding=padding, groups=groups)


def depth_to_space(x: torch.Tensor, r: int = 2) -> torch.Tensor:
    """TensorFlow's depth_to_space order (channel index (i*r + j)*C + c), on NCHW tensors.

    torch.pixel_shuffle uses c*r*r + i*r + j instead; matching tf.depthToSpace lets the browser use the
    exported weights with no channel shuffle.
    """
    n, c, h, w = x.shape
    x = x.view(n, r, r, c // (r * r), h, w)
    x = x.permute(0, 3, 4, 1, 5, 2)
    return x.reshape(n, c // (r * r), h * r, w * r)


class EqualLinear(nn.Module):
    """Dense layer with equalised learning rate (StyleGAN): weights stored at unit scale, scaled at run time."""

    def __init__(self, in_f: int, out_f: int, lr_mul: float = 1.0, bias_init: float = 0.0, init_std: float = 1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_f, in_f) * init_std / lr_mul)
        self.bias = nn.Parameter(torch.full((out_f,), float(bias_init) / lr_mul))
        self.scale = lr_mul / math.sqrt(in_f)
        self.lr_mul = lr_mul

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)

    def export(self):
        """Inference weights: W [in, out] (tfjs matMul layout), b [out]."""
        return (self.weight * self.scale).t().contiguous(), self.bias * self.lr_mul


class ModSepConv(nn.Module):
    """Simplified modulated convolution: style scales the input channels, then a depthwise 3x3 and a
    pointwise 1x1. The demodulation factor depends only on the weights (not the style), so it folds into
    the pointwise weights at export: at inference this is mul, depthwiseConv2d, conv2d(1x1)+bias+lrelu.
    """

    def __init__(self, in_c: int, out_c: int, w_dim: int, activate: bool = True):
        super().__init__()
        # Styles start near 1: with a style-independent demodulation nothing renormalises a large style, so
        # a unit-variance start would double the activation variance at every layer.
        self.affine = EqualLinear(w_dim, in_c, bias_init=1.0, init_std=0.1)
        self.dw = nn.Parameter(torch.randn(in_c, 1, 3, 3))
        self.pw = nn.Parameter(torch.randn(out_c, in_c, 1, 1))
        self.bias = nn.Parameter(torch.zeros(out_c))
        self.activate = activate
        self.in_c, self.out_c = in_c, out_c

    def folded(self):
        dw = self.dw / 3.0
        pw = self.pw / math.sqrt(self.in_c)
        # style-independent demodulation: 1/||effective kernel|| per output channel
        energy = (pw[:, :, 0, 0] ** 2) @ (dw.view(self.in_c, 9) ** 2).sum(1)
        d = torch.rsqrt(energy + 1e-8)
        pw = pw * d.view(-1, 1, 1, 1)
        bias = self.bias
        if self.activate:
            pw, bias = pw * LRELU_GAIN, bias * LRELU_GAIN  # lrelu(a) * g == lrelu(a * g) for g > 0
        return dw, pw, bias

    def forward(self, x, w):
        s = self.affine(w)
        dw, pw, bias = self.folded()
        x = x * s[:, :, None, None]
        x = conv2d(x, dw, padding=1, groups=self.in_c)
        x = conv2d(x, pw, bias)
        return F.leaky_relu(x, LRELU_SLOPE) if self.activate else x

    def flops(self, h: int, w: int, batch_styles: bool = True) -> int:
        # multiply-adds x 2; style affine counted once per face
        return 2 * (self.affine.weight.numel() + h * w * (self.in_c + self.in_c * 9 + self.in_c * self.out_c))


class Conv3x3(nn.Module):
    def __init__(self, in_c: int, out_c: int, activate: bool):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_c, in_c, 3, 3))
        self.bias = nn.Parameter(torch.zeros(out_c))
        self.activate = activate
        self.in_c, self.out_c = in_c, out_c

    def folded(self):
        w = self.weight / math.sqrt(self.in_c * 9)
        b = self.bias
        if self.activate:
            w, b = w * LRELU_GAIN, b * LRELU_GAIN
        return w, b

    def forward(self, x):
        w, b = self.folded()
        x = conv2d(x, w, b, padding=1)
        return F.leaky_relu(x, LRELU_SLOPE) if self.activate else x

    def flops(self, h: int, w: int) -> int:
        return 2 * h * w * self.in_c * self.out_c * 9


class UpToRGBA(nn.Module):
    """Auxiliary head: block features at r x r -> RGBA at 4r x 4r (premultiplied colour and alpha in [-1, 1])."""

    def __init__(self, in_c: int, w_dim: int, head_channels):
        super().__init__()
        c1, c2 = head_channels
        self.mod = ModSepConv(in_c, 4 * c1, w_dim)
        self.conv1 = Conv3x3(c1, 4 * c2, activate=True)
        self.conv2 = Conv3x3(c2, 4, activate=False)

    def forward(self, x, w):
        x = depth_to_space(self.mod(x, w))
        x = depth_to_space(self.conv1(x))
        return self.conv2(x)

    def flops(self, r: int) -> int:
        return self.mod.flops(r, r) + self.conv1.flops(2 * r, 2 * r) + self.conv2.flops(4 * r, 4 * r)


@functools.lru_cache(maxsize=None)
def z_steps_of(spec: str) -> tuple[tuple[int, float], ...]:
    """(z coordinate, threshold in z) for every cut of the style's teacher rule, in coordinate then cut order;
    "<style>:local" keeps the cuts that pick a small part (the rule's localChoices)."""
    from .teachers import procedural_info
    style, _, subset = spec.partition(":")
    info = procedural_info(style)
    choices = info["choices"]
    if subset == "local":
        if "localChoices" not in info:
            raise ValueError(f"the {style} rule lists no localChoices")
        choices = {k: v for k, v in choices.items() if int(k) in info["localChoices"]}
    elif subset:
        raise ValueError(f"z steps {spec!r}: expected '<style>' or '<style>:local'")
    inv = statistics.NormalDist().inv_cdf
    return tuple((int(k), inv(u)) for k in sorted(choices, key=int) for u in choices[k])


class MappingNetwork(nn.Module):
    def __init__(self, cfg: GeneratorConfig):
        super().__init__()
        steps = z_steps_of(cfg.z_steps) if cfg.z_steps else ()
        # derived from the config, so not saved: checkpoints from before steps existed load unchanged
        self.register_buffer("step_index", torch.tensor([i for i, _ in steps], dtype=torch.long), persistent=False)
        self.register_buffer("step_at", torch.tensor([t for _, t in steps], dtype=torch.float32), persistent=False)
        self.step_width = cfg.z_step_width
        dims = [cfg.z_dim + len(steps)] + [cfg.w_dim] * cfg.mapping_layers
        self.layers = nn.ModuleList(
            EqualLinear(dims[i], dims[i + 1], lr_mul=cfg.mapping_lr_mul) for i in range(cfg.mapping_layers)
        )
        self.register_buffer("w_avg", torch.zeros(cfg.w_dim))

    def forward(self, z):
        x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        if len(self.step_index):  # from the raw z: the teacher's cuts do not see the normalisation
            x = torch.cat([x, torch.tanh((z[:, self.step_index] - self.step_at) / self.step_width)], dim=1)
        for layer in self.layers:
            x = lrelu(layer(x))
        return x


class Generator(nn.Module):
    def __init__(self, cfg: GeneratorConfig):
        super().__init__()
        self.cfg = cfg
        self.mapping = MappingNetwork(cfg)
        ch = cfg.channels
        self.const = nn.Parameter(torch.randn(1, ch[0], 4, 4))
        self.convs = nn.ModuleList()
        for i in range(cfg.num_blocks):
            in_c = ch[0] if i == 0 else ch[i - 1]
            self.convs.append(ModSepConv(in_c, ch[i], cfg.w_dim))
            self.convs.append(ModSepConv(ch[i], ch[i], cfg.w_dim))
        last = cfg.num_blocks - 1
        self.heads = nn.ModuleList(UpToRGBA(ch[i], cfg.w_dim, cfg.top_head_channels if i == last else cfg.head_channels)
                                   for i in range(cfg.num_blocks))

    def ws_from(self, z, truncation: float = 1.0, mix_z=None, mix_layer: int | None = None):
        """z -> per-layer styles [N, num_ws, w_dim], with truncation and optional style mixing."""
        w = self.mapping(z)
        if truncation != 1.0:
            w = self.mapping.w_avg + truncation * (w - self.mapping.w_avg)
        ws = w.unsqueeze(1).repeat(1, self.cfg.num_ws, 1)
        if mix_z is not None and mix_layer is not None:
            w2 = self.mapping(mix_z)
            if truncation != 1.0:
                w2 = self.mapping.w_avg + truncation * (w2 - self.mapping.w_avg)
            ws[:, mix_layer:] = w2.unsqueeze(1)
        return ws

    def synthesis(self, ws, all_heads: bool = False):
        """Returns [RGBA of every head] (training pyramid) or [RGBA of the last head] (inference)."""
        x = self.const.expand(ws.shape[0], -1, -1, -1)
        outs = []
        last = self.cfg.num_blocks - 1
        below = None  # the previous head's output, with skip
        for i in range(self.cfg.num_blocks):
            if i > 0:
                x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = self.convs[2 * i](x, ws[:, 2 * i])
            x = self.convs[2 * i + 1](x, ws[:, 2 * i + 1])
            if all_heads or i == last or (self.cfg.skip and i == last - 1):
                out = self.heads[i](x, ws[:, 2 * i + 2])
                if i == last and self.cfg.skip:
                    out = out + F.interpolate(below, scale_factor=2, mode="bilinear", align_corners=False)
                below = out
                if all_heads or i == last:
                    outs.append(out)
        return outs

    def forward(self, z, truncation: float = 1.0, all_heads: bool = False):
        return self.synthesis(self.ws_from(z, truncation), all_heads=all_heads)

    def _first_inference_head(self) -> int:
        return self.cfg.num_blocks - (2 if self.cfg.skip else 1)

    def inference_parameters(self) -> int:
        """Parameters that inference uses (the auxiliary heads are training-only)."""
        aux = sum(p.numel() for h in self.heads[:self._first_inference_head()] for p in h.parameters())
        return sum(p.numel() for p in self.parameters()) - aux

    def inference_flops(self) -> dict:
        cfg = self.cfg
        mapping = sum(2 * layer.weight.numel() for layer in self.mapping.layers)
        synthesis = 0
        for i in range(cfg.num_blocks):
            r = cfg.block_resolution(i)
            synthesis += self.convs[2 * i].flops(r, r) + self.convs[2 * i + 1].flops(r, r)
        head = sum(self.heads[i].flops(cfg.block_resolution(i))
                   for i in range(self._first_inference_head(), cfg.num_blocks))
        return {"mapping": mapping, "synthesis": synthesis, "head": head, "total": mapping + synthesis + head}


def load_ema(ckpt) -> tuple[Generator, dict]:
    """A training checkpoint's EMA generator (what gets exported), and the checkpoint itself."""
    ck = torch.load(ckpt, map_location="cpu")
    G = Generator(CONFIGS[ck["config"]])
    G.load_state_dict(ck["G_ema"])
    return G, ck


def can_grow(small: GeneratorConfig, big: GeneratorConfig) -> bool:
    """Whether `big` is `small` with blocks added at the end (same mapping, heads and leading channels)."""
    return (big.resolution > small.resolution and big.channels[:small.num_blocks] == small.channels
            and small.top_head_channels == small.head_channels
            and (small.z_dim, small.w_dim, small.mapping_layers, small.mapping_lr_mul, small.head_channels,
                 small.z_steps, small.z_step_width)
            == (big.z_dim, big.w_dim, big.mapping_layers, big.mapping_lr_mul, big.head_channels,
                big.z_steps, big.z_step_width))


def can_widen(small: GeneratorConfig, big: GeneratorConfig) -> bool:
    """Whether `big` is `small` with a wider last block and/or last head, and nothing else changed."""
    same = lambda c: (c.resolution, c.z_dim, c.w_dim, c.mapping_layers, c.mapping_lr_mul, c.head_channels, c.skip,
                      c.channels[:-1], c.z_steps, c.z_step_width)
    return (same(small) == same(big) and big.channels[-1] >= small.channels[-1]
            and all(b >= a for a, b in zip(small.top_head_channels, big.top_head_channels)) and small != big)


def can_add_steps(small: GeneratorConfig, big: GeneratorConfig) -> bool:
    """Whether `big` is `small` with the teacher's z steps added to the mapping's input, and nothing else."""
    return small.z_steps is None and big.z_steps is not None and replace(big, z_steps=None) == small


def add_steps_from(G: Generator, small_state: dict, small_cfg: GeneratorConfig) -> list[str]:
    """G (can_add_steps) starts as exactly the model without steps: the first mapping layer's weights from the
    steps start at zero, and the copied ones are rescaled for the larger fan-in of the equalised-lr scale."""
    if not can_add_steps(small_cfg, G.cfg):
        raise ValueError(f"cannot add z steps to {small_cfg} to make {G.cfg}")
    own = G.state_dict()
    name = "mapping.layers.0.weight"
    for k, value in small_state.items():
        if k == name:
            new = torch.zeros_like(own[k])
            new[:, :value.shape[1]] = value * math.sqrt(new.shape[1] / value.shape[1])
            own[k] = new
        else:
            own[k] = value
    G.load_state_dict(own)
    return [name]


def _d2s_index(old_c: int, new_c: int, n: int = 4) -> torch.Tensor:
    """Where channel (k * old_c + c) of a tensor laid out for depth_to_space goes when each of its n sub-pixel
    groups widens from old_c to new_c channels: k * new_c + c."""
    k, c = torch.meshgrid(torch.arange(n), torch.arange(old_c), indexing="ij")
    return (k * new_c + c).flatten()


def widen_from(G: Generator, small_state: dict, small_cfg: GeneratorConfig) -> list[str]:
    """Net2Net-style widening: G (a wider last block and last head, can_widen) starts as exactly the smaller
    trained model. Old channels keep their weights; new channels start random but every weight from a new
    channel into an old one is zero, so the output is unchanged and the new channels learn from the first step.
    A plain conv's equalised-lr scale depends on its fan-in, so copied weights are rescaled to keep their
    effective value; a modulated conv's demodulation makes it scale-free. Returns the widened tensor names."""
    if not can_widen(small_cfg, G.cfg):
        raise ValueError(f"cannot widen {small_cfg} into {G.cfg}")
    own = G.state_dict()
    b = G.cfg.num_blocks - 1
    c_old = small_cfg.channels[-1]
    (h1, h2), (H1, H2) = small_cfg.top_head_channels, G.cfg.top_head_channels
    # For each widened tensor: (index map of its output dim 0, index map of its input dim 1, fan-in rescale).
    same = lambda n: torch.arange(n)
    plan = {
        f"convs.{2 * b}.pw": (same(c_old), None, 1.0),
        f"convs.{2 * b}.bias": (same(c_old), None, 1.0),
        f"convs.{2 * b + 1}.affine.weight": (same(c_old), None, 1.0),
        f"convs.{2 * b + 1}.affine.bias": (same(c_old), None, 1.0),
        f"convs.{2 * b + 1}.dw": (same(c_old), None, 1.0),
        f"convs.{2 * b + 1}.pw": (same(c_old), same(c_old), 1.0),
        f"convs.{2 * b + 1}.bias": (same(c_old), None, 1.0),
        f"heads.{b}.mod.affine.weight": (same(c_old), None, 1.0),
        f"heads.{b}.mod.affine.bias": (same(c_old), None, 1.0),
        f"heads.{b}.mod.dw": (same(c_old), None, 1.0),
        f"heads.{b}.mod.pw": (_d2s_index(h1, H1), same(c_old), 1.0),
        f"heads.{b}.mod.bias": (_d2s_index(h1, H1), None, 1.0),
        f"heads.{b}.conv1.weight": (_d2s_index(h2, H2), same(h1), math.sqrt(H1 / h1)),
        f"heads.{b}.conv1.bias": (_d2s_index(h2, H2), None, 1.0),
        f"heads.{b}.conv2.weight": (same(4), same(h2), math.sqrt(H2 / h2)),
    }
    widened = []
    for name, value in small_state.items():
        if name not in plan:
            if own[name].shape != value.shape:
                raise ValueError(f"{name}: shape {tuple(value.shape)} in the checkpoint, {tuple(own[name].shape)} here")
            own[name] = value
            continue
        rows, cols, gain = plan[name]
        new = own[name].clone()
        if cols is not None:
            new[rows] = 0  # old outputs read no new input
            new[rows.view(-1, 1), cols.view(1, -1)] = value.to(new.dtype) * gain
        else:
            new[rows] = value.to(new.dtype) * gain  # new biases keep their initial zeros (affine ones: 1)
        own[name] = new
        widened.append(name)
    G.load_state_dict(own)
    return widened


def load_trunk(G: Generator, small_state: dict, small_cfg: GeneratorConfig) -> None:
    """Loads a smaller generator's weights into G, whose config adds blocks at the end, leaving G's added blocks and
    heads as they are. Every weight of the small generator has a same-named, same-shaped home in G: the mapping, the
    constant, the blocks and their heads (its last head becomes an auxiliary one)."""
    if not can_grow(small_cfg, G.cfg):
        raise ValueError(f"cannot grow {small_cfg} into {G.cfg}: the larger config must add blocks at the end only")
    own = G.state_dict()
    for name, value in small_state.items():
        if own[name].shape != value.shape:
            raise ValueError(f"{name}: shape {tuple(value.shape)} in the checkpoint, {tuple(own[name].shape)} here")
        own[name] = value
    G.load_state_dict(own)


def base_of(grown_state: dict, small_cfg: GeneratorConfig) -> dict:
    """The weights of the smaller generator that a grown one holds (the inverse of load_trunk): its mapping, constant,
    blocks and their heads, by name. Buffers that are running statistics (mapping.w_avg) come from the grown run."""
    names = Generator(small_cfg).state_dict()
    missing = [n for n in names if n not in grown_state or grown_state[n].shape != names[n].shape]
    if missing:
        raise ValueError(f"the grown checkpoint has no {small_cfg.resolution} px base: {missing[:3]} missing or reshaped")
    return {n: grown_state[n] for n in names}


def grow_from(G: Generator, small_state: dict, small_cfg: GeneratorConfig) -> list[str]:
    """Progressive growing: the smaller generator's weights into G (load_trunk); the added blocks and heads keep their
    fresh initialisation. Returns the names of the parameters that start fresh."""
    load_trunk(G, small_state, small_cfg)
    if G.cfg.skip:  # the new head adds nothing yet: the grown model is the small one scaled up
        with torch.no_grad():
            G.heads[-1].conv2.weight.zero_()
            G.heads[-1].conv2.bias.zero_()
    return [n for n, _ in G.named_parameters() if n not in small_state]


def config_dict(cfg: GeneratorConfig) -> dict:
    return asdict(cfg)


def main():
    p = argparse.ArgumentParser(description="Print parameters and FLOPs per generator config.")
    p.add_argument("--config", nargs="*", default=list(CONFIGS))
    p.add_argument("--json", action="store_true", help="one JSON object per config instead of the table")
    args = p.parse_args()
    if args.json:
        out = {}
        for name in args.config:
            g = Generator(CONFIGS[name])
            out[name] = {"resolution": g.cfg.resolution, "params": g.inference_parameters(), "flops": g.inference_flops()}
        print(json.dumps(out))
        return
    print(f"{'config':10} {'res':>5} {'params(inf)':>12} {'params(train)':>14} {'MFLOP map':>10} "
          f"{'MFLOP synth':>12} {'MFLOP head':>11} {'GFLOP total':>12}")
    for name in args.config:
        g = Generator(CONFIGS[name])
        f = g.inference_flops()
        print(f"{name:10} {g.cfg.resolution:5d} {g.inference_parameters():12,d} "
              f"{sum(p.numel() for p in g.parameters()):14,d} {f['mapping'] / 1e6:10.2f} "
              f"{f['synthesis'] / 1e6:12.1f} {f['head'] / 1e6:11.1f} {f['total'] / 1e9:12.3f}")


if __name__ == "__main__":
    main()
