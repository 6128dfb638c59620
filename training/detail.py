"""Line detail: what a user sees first in a face. Edge recall and precision against the teacher, and PSNR in the
nose-and-mouth box.

Edges are the pixels whose luma gradient (central differences, on RGB composited over grey 0.5) exceeds
EDGE_THRESHOLD. Recall is the share of the teacher's edge pixels that the student also has within TOLERANCE px
(a 3x3 neighbourhood); precision the converse; both are ratios of sums over all the images, so faces with more
lines weigh more. The nose-and-mouth box runs between the eyes' x, from the eyes' y down past the mouth by
BOX_BELOW of the eye-to-mouth distance, from the teacher's canonical points (model.json `canonical`).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

EDGE_THRESHOLD = 0.12
TOLERANCE = 1
BOX_BELOW = 0.35
# The teacher seen at these sizes (downscaled, antialiased bilinear, then back up): what each score would be for
# a perfect image of that resolution.
YARDSTICK_SIZES = (192, 128, 96, 64)


def luma(rgb: torch.Tensor) -> torch.Tensor:
    return 0.299 * rgb[:, 0] + 0.587 * rgb[:, 1] + 0.114 * rgb[:, 2]


def luma_gradient(rgb: torch.Tensor, eps: float = 0.0) -> torch.Tensor:
    """RGB [N, 3, H, W] -> [N, H-2, W-2]: the luma gradient's magnitude by central differences, inside the one-pixel
    border. `eps` inside the square root keeps its gradient finite where the image is flat (a training loss)."""
    y = luma(rgb)
    gx = (y[:, 1:-1, 2:] - y[:, 1:-1, :-2]) / 2
    gy = (y[:, 2:, 1:-1] - y[:, :-2, 1:-1]) / 2
    return (gx * gx + gy * gy + eps).sqrt()


def edges(rgb: torch.Tensor) -> torch.Tensor:
    """RGB [N, 3, H, W] in [0, 1] -> bool [N, H, W]; the one-pixel border is never an edge."""
    g = torch.zeros_like(rgb[:, 0])
    g[:, 1:-1, 1:-1] = luma_gradient(rgb)
    return g > EDGE_THRESHOLD


def _near(e: torch.Tensor) -> torch.Tensor:
    k = 2 * TOLERANCE + 1
    return F.max_pool2d(e[:, None].float(), k, stride=1, padding=TOLERANCE)[:, 0] > 0


def edge_scores(student_rgb: torch.Tensor, teacher_rgb: torch.Tensor) -> dict:
    es, et = edges(student_rgb), edges(teacher_rgb)
    n_t, n_s = et.sum().item(), es.sum().item()
    recall = (et & _near(es)).sum().item() / max(n_t, 1)
    precision = (es & _near(et)).sum().item() / max(n_s, 1)
    f1 = 2 * recall * precision / max(recall + precision, 1e-12)
    return {"edge_recall": round(recall, 4), "edge_precision": round(precision, 4), "edge_f1": round(f1, 4)}


def _part_box_px(canonical: dict) -> tuple[float, float, float, float]:
    (lx, ly), (rx, ry), (_, my) = canonical["leftEye"], canonical["rightEye"], canonical["mouth"]
    eye_y = (ly + ry) / 2
    return min(lx, rx), eye_y, max(lx, rx), my + BOX_BELOW * (my - eye_y)


def part_box(canonical: dict, res: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) in pixels of a `res` image, from canonical points in pixels of that image."""
    return tuple(max(0, min(res, int(round(v)))) for v in _part_box_px(canonical))


def part_box_fraction(canonical: dict, res: int) -> tuple[float, float, float, float]:
    """part_box as fractions of the image, unrounded: for any head's size."""
    return tuple(min(1.0, max(0.0, v / res)) for v in _part_box_px(canonical))


def scaled_canonical(canonical: dict, from_res: int, to_res: int) -> dict:
    s = to_res / from_res
    return {k: [v[0] * s, v[1] * s] for k, v in canonical.items()}


def box_psnr(student_rgb: torch.Tensor, teacher_rgb: torch.Tensor, box, scale: int | None = None) -> float:
    """Mean over images of the PSNR inside `box`; with `scale`, both images first box-filtered to `scale` px (the
    box scaled with them), to tell a wrong part (low at 16 and 32 px) from a soft one (low only at full size)."""
    x0, y0, x1, y1 = box
    a, b = student_rgb, teacher_rgb
    if scale is not None and scale != a.shape[-1]:
        f = scale / a.shape[-1]
        a, b = F.adaptive_avg_pool2d(a, scale), F.adaptive_avg_pool2d(b, scale)
        x0, y0 = int(x0 * f), int(y0 * f)
        x1, y1 = max(x0 + 1, int(round(x1 * f))), max(y0 + 1, int(round(y1 * f)))
    d = (a[:, :, y0:y1, x0:x1] - b[:, :, y0:y1, x0:x1]).pow(2).flatten(1).mean(1)
    return float((10 * torch.log10(1.0 / d.clamp_min(1e-10))).mean())


def blurred(rgb: torch.Tensor, size: int) -> torch.Tensor:
    """The image seen at `size` px: antialiased bilinear down, bilinear back up."""
    res = rgb.shape[-1]
    small = F.interpolate(rgb, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return F.interpolate(small, size=(res, res), mode="bilinear", align_corners=False).clamp(0, 1)


def detail_scores(student_rgb: torch.Tensor, teacher_rgb: torch.Tensor, box) -> dict:
    """Edge scores, the box's PSNR at full size and box-filtered to 16, 32 and 64 px."""
    res = teacher_rgb.shape[-1]
    return {
        **edge_scores(student_rgb, teacher_rgb),
        "nose_mouth_psnr": round(box_psnr(student_rgb, teacher_rgb, box), 3),
        "nose_mouth_psnr_by_scale": {str(s): round(box_psnr(student_rgb, teacher_rgb, box, s), 3)
                                     for s in (16, 32, 64, res // 2) if s < res},
        "nose_mouth_box": list(box),
    }


def yardsticks(teacher_rgb: torch.Tensor, box, psnr, sizes=YARDSTICK_SIZES) -> dict:
    """The same scores for the teacher itself seen at each size."""
    out = {}
    for s in sizes:
        if s >= teacher_rgb.shape[-1]:
            continue
        seen = blurred(teacher_rgb, s)
        r = detail_scores(seen, teacher_rgb, box)
        out[str(s)] = {"psnr": round(float(psnr(seen, teacher_rgb).mean()), 3),
                       **{k: r[k] for k in ("edge_recall", "edge_precision", "edge_f1", "nose_mouth_psnr")}}
    return out
