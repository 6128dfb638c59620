"""Compare a shipped student with its teacher on held-out seeds.

    python3 -m training.evaluate --model models/toon --seeds 1000000:1000256 --out models/toon/eval.json

Metrics (per image, then averaged): PSNR in dB and SSIM on RGB composited over mid grey, the IoU of the
alpha masks (alpha > 0.5), and sharpness: the student's mean image-gradient magnitude over the teacher's, on grey
(1.0 is as sharp as the teacher; a blurred student scores below 1). The student is run from the exported files, exactly as the browser gets them.
Line detail (training/detail.py): edge recall, precision and F1 at 1 px, and PSNR in the nose-and-mouth box,
with the same scores for the teacher itself seen at 192, 128, 96 and 64 px as yardsticks.
Also writes a teacher | student grid to docs/ (or --grid).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from .data import parse_seeds
from .detail import detail_scores, part_box, scaled_canonical, yardsticks
from .modelfile import load_generator, to_unit_rgba, unit_from_render
from .seeds import seeds_to_z
from .teachers import make_teacher
from .visual import over_grey, save_grid

def psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    mse = (a - b).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-10))


def _gauss_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float64) - size // 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    g = (g / g.sum()).float()
    return (g[:, None] * g[None, :])[None, None]


def ssim(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-image SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03), channel mean."""
    c = a.shape[1]
    win = _gauss_window().to(a).repeat(c, 1, 1, 1)
    blur = lambda x: F.conv2d(x, win, groups=c)  # valid region only, as in the reference implementation
    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a ** 2
    var_b = blur(b * b) - mu_b ** 2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return s.flatten(1).mean(1)


def alpha_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    ma, mb = a[:, 3] > 0.5, b[:, 3] > 0.5
    inter = (ma & mb).flatten(1).sum(1).float()
    union = (ma | mb).flatten(1).sum(1).float()
    return torch.where(union > 0, inter / union.clamp_min(1), torch.ones_like(union))


def gradient_magnitude(rgb: torch.Tensor) -> torch.Tensor:
    """Per image: the mean magnitude of the finite-difference gradient of the grey (luma) image."""
    y = (0.299 * rgb[:, 0] + 0.587 * rgb[:, 1] + 0.114 * rgb[:, 2])
    dx, dy = y[:, :-1, 1:] - y[:, :-1, :-1], y[:, 1:, :-1] - y[:, :-1, :-1]
    return (dx * dx + dy * dy).sqrt().flatten(1).mean(1)


def sharpness(student_rgb: torch.Tensor, teacher_rgb: torch.Tensor) -> float:
    """Mean gradient magnitude of the students over the teachers' (a ratio of sums, so flat faces weigh less)."""
    return float(gradient_magnitude(student_rgb).sum() / gradient_magnitude(teacher_rgb).sum().clamp_min(1e-12))


def _scales(res: int) -> list[int]:
    out, r = [], res
    while r >= 16:
        out.append(r)
        r //= 2
    return sorted(out)


def evaluate(model_dir: Path, seeds: range, grid: Path | None = None, batch: int = 64, res: int | None = None) -> dict:
    """`res` (default: the model's) compares at another size: the teacher renders at `res` and the student's
    faces are resized to it (bilinear), which is what a page shows when it scales the canvas."""
    g = load_generator(model_dir)
    m = g.m
    res = res or m["resolution"]
    teacher = make_teacher(m["data"]["teacher"], res)
    z = seeds_to_z(seeds, m["architecture"]["zDim"])
    t0 = time.time()
    teacher_img = unit_from_render(teacher.render(z))
    t_teacher = time.time() - t0
    outs = []
    t0 = time.time()
    for i in range(0, len(z), batch):
        out = to_unit_rgba(g(torch.from_numpy(z[i:i + batch])))
        if out.shape[-1] != res:
            out = F.interpolate(out, size=(res, res), mode="bilinear", align_corners=False, antialias=res < out.shape[-1])
        outs.append(out)
    t_student = time.time() - t0
    student = torch.cat(outs)
    ct, cs = over_grey(teacher_img), over_grey(student)
    p, s, iou = psnr(cs, ct), ssim(cs, ct), alpha_iou(student, teacher_img)
    result = {
        "model": m["name"],
        "resolution": res,
        **({"model_resolution": m["resolution"]} if res != m["resolution"] else {}),
        "seeds": f"{seeds.start}:{seeds.stop}",
        "n": len(z),
        "psnr": round(float(p.mean()), 3),
        "psnr_median": round(float(p.median()), 3),
        "ssim": round(float(s.mean()), 4),
        "alpha_iou": round(float(iou.mean()), 4),
        "sharpness": round(sharpness(cs, ct), 4),
        "background": "RGB composited on grey 0.5; alpha IoU at alpha > 0.5",
        "student_ms_per_face_cpu": round(1000 * t_student / len(z), 2),
        "teacher_ms_per_face": round(1000 * t_teacher / len(z), 2),
        "weights_sha256": m["weightFiles"][0]["sha256"],
        # Where the error lives: PSNR with both images box-filtered to coarser scales. If it stays low at 16 px,
        # the student gets the layout wrong (which hair, which head), not the fine detail.
        "psnr_by_scale": {str(r): round(float(psnr(F.adaptive_avg_pool2d(cs, r), F.adaptive_avg_pool2d(ct, r)).mean()), 3)
                          for r in _scales(res)},
    }
    # Line detail (training/detail.py), and the same scores for the teacher seen at lower resolutions.
    box = part_box(scaled_canonical(m["canonical"], m["resolution"], res), res)
    result.update(detail_scores(cs, ct, box))
    result["teacher_seen_at"] = yardsticks(ct, box, psnr)
    if grid is not None:
        k = min(16, len(z))
        save_grid(grid, teacher_img[:k] * 2 - 1, student[:k] * 2 - 1)
        result["grid"] = str(grid)
    return result


def main():
    p = argparse.ArgumentParser(description="Compare a shipped student with its teacher on held-out seeds.")
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--seeds", default="1000000:1000256")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--grid", type=Path, default=None, help="default: docs/<style>-eval-grid.png")
    p.add_argument("--res", type=int, default=None,
                   help="compare at this size instead of the model's (the faces resized to it, bilinear)")
    a = p.parse_args()
    model_dir = a.model if a.model.is_dir() else a.model.parent
    name = json.loads((model_dir / "model.json").read_text())["name"]
    grid = a.grid or Path("docs") / f"{name}-eval-grid.png"
    r = evaluate(model_dir, parse_seeds(a.seeds), grid, res=a.res)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(r, indent=2) + "\n")
    print(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
