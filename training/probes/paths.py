"""Which latent paths fail the flicker check, and at which of the teacher's part switches.

    python3 -m training.probes.paths --model models/toon --also /tmp/candidate --pairs 256 --out paths.json

For every validation pair (training.latent's paths: the quarter circle in 24 frames) and every model, the path's
ratio, share and pass, the frame of its largest step, and the teacher's cuts (`CHOICES`, as z thresholds) that z
crosses in that frame. The summary says how many failing paths have their largest step on a cut, which
coordinates those are, and, for two models, the pairs that one passes and the other fails. A student that learns a
part switch faithfully steps where the teacher does; one whose largest steps lie off the cuts flickers on its own.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np
from ..latent import PATH_FRAMES, VALIDATION_SEED_START, arc, path_passes, path_stats
from ..data import require_below_eval
from ..model import z_steps_of
from ..modelfile import load_generator
from ..seeds import seed_to_z


def path_record(G, za: np.ndarray, zb: np.ndarray, cuts: list[tuple[int, float]]) -> dict:
    stats = path_stats(G, za, zb, PATH_FRAMES)
    zs, k = arc(za, zb, PATH_FRAMES), stats["frame"]
    crossed = sorted({i for i, at in cuts if (zs[k, i] - at) * (zs[k + 1, i] - at) < 0})
    return {"ratio": round(stats["ratio"], 3), "share": round(stats["share"], 3), "pass": path_passes(stats),
            "frame": k, "crossed": crossed}


def summarise(records: list[dict]) -> dict:
    failing = [r for r in records if not r["pass"]]
    on_cut = [r for r in failing if r["crossed"]]
    coords = Counter(i for r in on_cut for i in r["crossed"])
    return {"paths": len(records), "passing": sum(r["pass"] for r in records),
            "failing_on_a_cut": len(on_cut), "failing_off_cuts": len(failing) - len(on_cut),
            "cut_coordinates": dict(sorted(coords.items(), key=lambda kv: -kv[1])),
            "share_median_failing": round(float(np.median([r["share"] for r in failing])), 3) if failing else None}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, required=True, help="an exported model folder")
    p.add_argument("--also", type=Path, default=None, help="a second exported model, on the same pairs")
    p.add_argument("--pairs", type=int, default=128)
    p.add_argument("--start", type=int, default=VALIDATION_SEED_START)
    p.add_argument("--out", type=Path, default=None, help="every path's record, as JSON")
    a = p.parse_args(argv)
    require_below_eval(a.start + 2 * a.pairs, "path seeds")
    models = [m for m in (a.model, a.also) if m]
    out = {}
    for m in models:
        G = load_generator(m)
        style = G.m["name"]  # the procedural teacher the model was distilled from
        z_dim = G.m["architecture"]["zDim"]
        cuts = list(z_steps_of(style))
        recs = [path_record(G, seed_to_z(a.start + 2 * i, z_dim), seed_to_z(a.start + 2 * i + 1, z_dim), cuts)
                for i in range(a.pairs)]
        out[str(m)] = {"summary": summarise(recs), "paths": recs}
        print(str(m), json.dumps(out[str(m)]["summary"]))
    if len(models) == 2:
        ra, rb = (out[str(m)]["paths"] for m in models)
        only_a = [i for i, (x, y) in enumerate(zip(ra, rb)) if x["pass"] and not y["pass"]]
        only_b = [i for i, (x, y) in enumerate(zip(ra, rb)) if y["pass"] and not x["pass"]]
        out["discordant"] = {"first_only": only_a, "second_only": only_b}
        print(f"passed by the first only: {len(only_a)}; by the second only: {len(only_b)}")
    if a.out:
        a.out.write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
