"""Docs figures of a shipped model's latent space, drawn from the exported files (as the browser gets them).

    python3 -m training.figures --model models/toon --out docs

Writes <out>/<style>-mixing.png (style mixing: the first row gives the fine layers, the first column the coarse
ones, each cell takes the coarse layers from its row and the fine layers from its column) and
<out>/<style>-truncation.png (one seed per column, truncation 0, 0.25, 0.5, 0.75, 1 down the rows).
A style with skin tone and hair colour controls also gets <out>/<style>-controls.png: one seed, five skin tones
down the rows and five hair colours across. With `--compare-with <another exported model of the style>`, also <out>/<style>-detail.png: per seed, the
teacher, the other model scaled to this one's size (bilinear, as a page scales the canvas) and this model, then
the same three zoomed 2x on the eyes and mouth.
Seeds come from the training range, never the held-out evaluation seeds.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .controls import apply_controls
from .data import require_below_eval
from .modelfile import load_generator, to_unit_rgba, unit_from_render
from .seeds import seeds_to_z
from .teachers import make_teacher
from .visual import over_grey

PAD = 4


def _tile(cells: list[list[torch.Tensor | None]], res: int) -> Image.Image:
    """Rows of [3, R, R] images in [0, 1] (None: blank) -> one RGB image on white with padding."""
    rows, cols = len(cells), max(len(r) for r in cells)
    grid = np.full((rows * (res + PAD) + PAD, cols * (res + PAD) + PAD, 3), 255, np.uint8)
    for i, row in enumerate(cells):
        for j, img in enumerate(row):
            if img is None:
                continue
            y, x = PAD + i * (res + PAD), PAD + j * (res + PAD)
            grid[y:y + res, x:x + res] = (img.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
    return Image.fromarray(grid)


def _z_dim(G) -> int:
    return G.m["architecture"]["zDim"]


def _res(G) -> int:
    return G.m["resolution"]


def _faces(G, z, **kw) -> list[torch.Tensor]:
    with torch.no_grad():
        return list(over_grey(to_unit_rgba(G(torch.from_numpy(z), **kw))).clamp(0, 1))


def mixing_figure(G, coarse_seeds, fine_seeds, mix_layer: int) -> Image.Image:
    zc, zf = seeds_to_z(coarse_seeds, _z_dim(G)), seeds_to_z(fine_seeds, _z_dim(G))
    top = [None] + _faces(G, zf)
    rows = [top]
    for i, face in enumerate(_faces(G, zc)):
        mixed = _faces(G, np.repeat(zc[i:i + 1], len(fine_seeds), 0), mix_z=torch.from_numpy(zf), mix_layer=mix_layer)
        rows.append([face] + mixed)
    return _tile(rows, _res(G))


def truncation_figure(G, seeds, truncations=(0.0, 0.25, 0.5, 0.75, 1.0)) -> Image.Image:
    z = seeds_to_z(seeds, _z_dim(G))
    return _tile([_faces(G, z, truncation=t) for t in truncations], _res(G))


def controls_figure(G, seed: int, rows: tuple[str, list], cols: tuple[str, list]) -> Image.Image:
    """One seed with two of the style's controls set: row control's values down, column control's across
    (training/controls.py; the element's skin-tone and hair-color)."""
    z = seeds_to_z([seed], _z_dim(G))
    (rname, rvalues), (cname, cvalues) = rows, cols
    return _tile([_faces(G, np.concatenate([apply_controls(z, G.m["controls"], {rname: r, cname: c}) for c in cvalues]))
                  for r in rvalues], _res(G))


def detail_figure(G, other, seeds) -> Image.Image:
    res = _res(G)
    z = seeds_to_z(seeds, _z_dim(G))
    teacher = unit_from_render(make_teacher(G.m["data"]["teacher"], res).render(z))
    with torch.no_grad():
        scaled = F.interpolate(to_unit_rgba(other(torch.from_numpy(z))), size=(res, res), mode="bilinear",
                               align_corners=False)
        own = to_unit_rgba(G(torch.from_numpy(z)))
    lo, hi = int(0.3 * res), int(0.8 * res)  # the middle half: eyes, nose and mouth of the canonical frame
    zoom = lambda x: F.interpolate(x[None, :, lo:hi, lo:hi], size=(res, res), mode="nearest")[0]
    rows = []
    for t, a, b in zip(*(list(over_grey(x).clamp(0, 1)) for x in (teacher, scaled, own))):
        rows.append([t, a, b, zoom(t), zoom(a), zoom(b)])
    return _tile(rows, res)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--out", type=Path, default=Path("docs"))
    p.add_argument("--coarse", default="11,12,13,14", help="seeds giving the coarse layers (rows)")
    p.add_argument("--fine", default="21,22,23,24,25", help="seeds giving the fine layers (columns)")
    p.add_argument("--mix-layer", type=int, default=None, help="first layer taken from the column seed "
                                                                "(default: half the layers, as the element)")
    p.add_argument("--truncation-seeds", default="31,32,33,34,35,36")
    p.add_argument("--compare-with", type=Path, default=None,
                   help="another exported model of the same style (e.g. a smaller one): also writes <style>-detail.png")
    p.add_argument("--detail-seeds", default="41,42,43")
    p.add_argument("--controls-seed", type=int, default=51, help="the seed of the skin tone x hair colour grid")
    a = p.parse_args(argv)
    seeds = lambda s: [int(v) for v in s.split(",")]
    used = seeds(a.coarse) + seeds(a.fine) + seeds(a.truncation_seeds) + seeds(a.detail_seeds) + [a.controls_seed]
    require_below_eval(max(used) + 1, "figure seeds")
    G = load_generator(a.model)
    mix_layer = a.mix_layer if a.mix_layer is not None else G.num_ws // 2  # the element's default: half the layers
    style = G.m["name"]
    a.out.mkdir(parents=True, exist_ok=True)
    mixing_figure(G, seeds(a.coarse), seeds(a.fine), mix_layer).save(a.out / f"{style}-mixing.png")
    truncation_figure(G, seeds(a.truncation_seeds)).save(a.out / f"{style}-truncation.png")
    print(f"wrote {a.out / f'{style}-mixing.png'} (mix layer {mix_layer}) and {a.out / f'{style}-truncation.png'}")
    controls = G.m.get("controls", {})
    if "skinTone" in controls and "hairColor" in controls:
        tones, hair = controls["skinTone"]["stops"], controls["hairColor"]["stops"]
        pick = lambda stops, n: [stops[round(i * (len(stops) - 1) / (n - 1))] for i in range(n)]
        grid = controls_figure(G, a.controls_seed, ("skinTone", pick(tones, 5)), ("hairColor", pick(hair, 5)))
        grid.resize((grid.width // 2, grid.height // 2), Image.LANCZOS).save(a.out / f"{style}-controls.png")
        print(f"wrote {a.out / f'{style}-controls.png'} (seed {a.controls_seed})")
    if a.compare_with is not None:
        other = load_generator(a.compare_with)
        if other.m["name"] != style:
            raise ValueError(f"--compare-with is a {other.m['name']} model; this one is {style}")
        detail_figure(G, other, seeds(a.detail_seeds)).save(a.out / f"{style}-detail.png")
        print(f"wrote {a.out / f'{style}-detail.png'} (against {a.compare_with}, {_res(other)} px)")


if __name__ == "__main__":
    main()
