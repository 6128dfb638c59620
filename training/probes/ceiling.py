"""What the metrics give a blurred copy of the teacher: a yardstick for what the synthesis resolution allows.

    python3 -m training.probes.ceiling --style toon --res 256 --seeds 0:256

BlazeStyleGAN's blocks stop at 1/4 of the output resolution and the UpToRGBA head must make every finer detail.
This box-filters the teacher's own images to 1/8, 1/4 and 1/2 of the output size, upsamples them back
bilinearly, and scores them against the originals with evaluate.py's metrics. A student that scores like the
1/4 row reproduces the teacher only as well as a perfect image at the blocks' resolution would; beating it
needs the head to draw the sharp edges itself.
"""
from __future__ import annotations

import argparse
import json

import torch
import torch.nn.functional as F

from ..data import parse_seeds
from ..evaluate import psnr, ssim
from ..seeds import seeds_to_z
from ..teachers import make_teacher
from ..visual import over_grey


def ceiling(style: str, res: int, seeds: range, z_dim: int = 64) -> dict:
    teacher = make_teacher(style, res)
    img = torch.from_numpy(teacher.render(seeds_to_z(seeds, z_dim))).permute(0, 3, 1, 2).float() / 255
    ref = over_grey(img)
    rows = {}
    for div in (8, 4, 2):
        up = F.interpolate(F.adaptive_avg_pool2d(img, res // div), size=res, mode="bilinear", align_corners=False)
        blurred = over_grey(up)
        rows[f"1/{div}"] = {"px": res // div, "psnr": round(float(psnr(blurred, ref).mean()), 2),
                            "ssim": round(float(ssim(blurred, ref).mean()), 3)}
    return {"style": style, "resolution": res, "seeds": f"{seeds.start}:{seeds.stop}", "n": len(seeds),
            "blurred": rows}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--style", default="toon")
    p.add_argument("--res", type=int, default=128)
    p.add_argument("--seeds", default="0:256", help="training seeds: it informs design choices")
    p.add_argument("--z-dim", type=int, default=64)
    a = p.parse_args(argv)
    print(json.dumps(ceiling(a.style, a.res, parse_seeds(a.seeds), a.z_dim)))


if __name__ == "__main__":
    main()
