"""Distillation losses. No pretrained VGG/LPIPS weights exist offline, so the perceptual term is replaced by
multi-scale L1 + image-gradient L1 against the teacher at every head's scale, plus discriminator feature
matching (training/README.md, "Losses")."""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .detail import luma_gradient
from .visual import over_grey


def downsample_to(x: torch.Tensor, size: int) -> torch.Tensor:
    if x.shape[-1] == size:
        return x
    return F.adaptive_avg_pool2d(x, size)  # box filter: exact area average for power-of-two factors


def gradient_l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    dx = lambda t: t[..., :, 1:] - t[..., :, :-1]
    dy = lambda t: t[..., 1:, :] - t[..., :-1, :]
    return (dx(a) - dx(b)).abs().mean() + (dy(a) - dy(b)).abs().mean()


def pyramid_loss(outs, target, grad_weight: float = 1.0):
    """Sum over heads of L1 + gradient L1 against the teacher downsampled to the head's scale.
    Returns (total, per-head list) so that the head limiting quality can be read off the log."""
    per_head = []
    for o in outs:
        t = downsample_to(target, o.shape[-1])
        per_head.append(F.l1_loss(o, t) + grad_weight * gradient_l1(o, t))
    return sum(per_head), [float(v) for v in per_head]


def crop_fraction(x: torch.Tensor, box) -> torch.Tensor:
    """The part of x inside `box` (x0, y0, x1, y1 as fractions of the image), at x's own size."""
    h, w = x.shape[-2:]
    x0, y0, x1, y1 = box
    return x[..., math.floor(y0 * h):max(math.floor(y0 * h) + 1, math.ceil(y1 * h)),
             math.floor(x0 * w):max(math.floor(x0 * w) + 1, math.ceil(x1 * w))]


def part_loss(outs, target, box, grad_weight: float = 1.0) -> torch.Tensor:
    """The pyramid loss and the last head's grey MSE again, inside the parts' box only: the nose and mouth are a few
    per cent of the pixels, so in the whole-image losses the student gains little by drawing them
    (training/EXPERIMENTS.md, "Crisp faces")."""
    pairs = [(crop_fraction(o, box), crop_fraction(downsample_to(target, o.shape[-1]), box)) for o in outs]
    pyramid = sum(F.l1_loss(c, t) + grad_weight * gradient_l1(c, t) for c, t in pairs)
    return pyramid + grey_mse(pairs[-1][0], crop_fraction(target, box))


def edge_strength(x: torch.Tensor) -> torch.Tensor:
    """Model-space RGBA [-1, 1] -> [N, H-2, W-2]: the luma gradient on grey that training/detail.py thresholds into
    edges."""
    return luma_gradient(over_grey((x + 1) / 2), eps=1e-8)


def edge_chamfer(out: torch.Tensor, target: torch.Tensor, reach: int = 1, spurious: float = 1.0,
                 box: tuple[float, float, float, float] | None = None, box_weight: float = 1.0) -> torch.Tensor:
    """Edges that tolerate a small displacement: the teacher's edge strength that the student lacks within `reach`
    pixels, and the student's that the teacher lacks there (times `spurious`). L1 and MSE reward a blurred average
    of a stroke whose position is uncertain by a pixel; this rewards drawing the stroke (training/EXPERIMENTS.md,
    "Crisp faces"). A larger `spurious` costs lines the teacher has not drawn, such as a halo beside a stroke.
    `box` (x0, y0, x1, y1 as fractions of the image) counts `box_weight` times inside it: a part whose place the
    model cannot yet tell is better left faint than drawn firm in the wrong place."""
    es, et = edge_strength(out), edge_strength(target)
    k = 2 * reach + 1
    near = lambda e: F.max_pool2d(e[:, None], k, stride=1, padding=reach)[:, 0]
    per_pixel = F.relu(et - near(es)) + spurious * F.relu(es - near(et))
    if box is not None and box_weight != 1.0:
        h, w = per_pixel.shape[-2:]
        # edge_strength drops a pixel at each border: the box is placed in the full image, then cut the same way
        full_h, full_w = h + 2, w + 2
        weight = torch.ones(full_h, full_w, dtype=per_pixel.dtype, device=per_pixel.device)
        x0, y0, x1, y1 = box
        weight[round(y0 * full_h):round(y1 * full_h), round(x0 * full_w):round(x1 * full_w)] = box_weight
        per_pixel = per_pixel * weight[1:-1, 1:-1]
    return per_pixel.mean()


def grey_mse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error of RGB composited on mid grey in [0, 1]: the quantity training.evaluate's PSNR reports
    (-10 log10 of it), so that a weight on it trains for the metric rather than only for L1's median. Unlike
    visual.composite_grey it does not clamp, so that out-of-range outputs still get a gradient."""
    return F.mse_loss(over_grey((out + 1) / 2), over_grey((target + 1) / 2))


def alpha_l1(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L1 on the alpha channel alone. The pyramid's L1 averages the four channels, so the silhouette gets a
    quarter of its weight; the flicker penalty can buy smooth paths by softening a silhouette that flips, which
    costs alpha IoU, and this term is the counterweight."""
    return F.l1_loss(out[:, 3], target[:, 3])


class Discriminator(nn.Module):
    """Plain conv discriminator on RGBA (one strided 3x3 conv per halving, so that it costs less than the
    generator's backward pass on a CPU); returns (logit, features) for feature matching."""

    def __init__(self, resolution: int, base: int = 16, max_c: int = 256):
        super().__init__()
        layers = []
        c_in, r = 4, resolution
        c = base
        while r > 4:
            layers.append(nn.Sequential(nn.Conv2d(c_in, c, 3, stride=2, padding=1), nn.LeakyReLU(0.2)))
            c_in, c, r = c, min(max_c, c * 2), r // 2
        self.blocks = nn.ModuleList(layers)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(c_in * 16, c_in), nn.LeakyReLU(0.2), nn.Linear(c_in, 1))

    def forward(self, x):
        feats = []
        for b in self.blocks:
            x = b(x)
            feats.append(x)
        return self.fc(x).squeeze(1), feats


def feature_matching(f_fake, f_real):
    return sum(F.l1_loss(a, b.detach()) for a, b in zip(f_fake, f_real)) / len(f_fake)


def d_loss(d_fake, d_real):
    return F.softplus(d_fake).mean() + F.softplus(-d_real).mean()


def g_adv_loss(d_fake):
    return F.softplus(-d_fake).mean()  # non-saturating


def r1_penalty(D, real):
    real = real.detach().requires_grad_(True)
    logit, _ = D(real)
    (grad,) = torch.autograd.grad(logit.sum(), real, create_graph=True)
    return grad.pow(2).sum(dim=[1, 2, 3]).mean()


def discriminator_loss(D, fake, real, r1_gamma: float, r1_every: int, with_r1: bool):
    """The discriminator's loss on one batch (teacher renders are real), with lazy R1 when `with_r1`."""
    loss = d_loss(D(fake)[0], D(real)[0])
    if with_r1:
        loss = loss + r1_gamma / 2 * r1_penalty(D, real) * r1_every
    return loss


def generator_gan_terms(D, fake, real):
    """(adversarial, feature-matching) losses for the generator's output `fake`; D gets no gradient from them."""
    D.requires_grad_(False)
    logit_fake, f_fake = D(fake)
    with torch.no_grad():
        _, f_real = D(real)
    D.requires_grad_(True)
    return g_adv_loss(logit_fake), feature_matching(f_fake, f_real)


def arc_neighbour(z: torch.Tensor, angle: float) -> torch.Tensor:
    """z moved `angle` radians along a random great circle through it: one frame of the demo's Animate path
    (the quarter circle between two seeds in 24 frames is pi/48 a frame). The norm of z is kept."""
    d = torch.randn_like(z)
    d = d - (d * z).sum(1, keepdim=True) / (z * z).sum(1, keepdim=True) * z
    d = d * (z.norm(dim=1, keepdim=True) / d.norm(dim=1, keepdim=True).clamp_min(1e-8))
    return z * math.cos(angle) + d * math.sin(angle)


def step_excess(out: torch.Tensor, out_next: torch.Tensor, ratio: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Flicker penalty: each face's change over one latent step, against the batch's median change. Steps up to
    `ratio` times the median cost nothing; beyond it, the excess (in medians) is squared. A teacher whose parts
    switch (hair, glasses) has jumps; a student that copies them pops along a path, and this spreads the switch
    over more frames. Returns (penalty, the per-face changes, for the log)."""
    delta = (out_next - out).abs().flatten(1).mean(1)
    typical = delta.median().detach().clamp_min(1e-6)
    return F.relu(delta / typical - ratio).pow(2).mean(), delta.detach()
