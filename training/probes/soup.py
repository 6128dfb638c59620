"""A weight average ("soup") of two runs that share their start: every EMA weight at (1 - a) x the first's plus
a x the second's, written as a checkpoint that `training.export` reads.

    python3 -m training.probes.soup --ckpt training/runs/sketch256-regrow-edges4/ckpt.pt \\
        --with training/runs/sketch256-regrow-local-edges4/ckpt.pt --a 0.5 --out /tmp/soup.pt

When only one side has the teacher's z steps in its mapping (can_add_steps), the other is first given them as
inputs with zero weight (add_steps_from), the same function: the average then has the steps at a's strength.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from training.model import CONFIGS, Generator, add_steps_from, can_add_steps


def with_config(state: dict, config: str, target: str) -> dict:
    """`state` (a model of `config`) as a model of `target`: itself, or given z steps."""
    if config == target:
        return state
    if not can_add_steps(CONFIGS[config], CONFIGS[target]):
        raise ValueError(f"cannot average a {config} model with a {target} one: they differ in more than z steps")
    G = Generator(CONFIGS[target])
    add_steps_from(G, state, CONFIGS[config])
    return G.state_dict()


def soup(first: dict, second: dict, a: float) -> dict:
    cfg1, cfg2 = first["config"], second["config"]
    target = cfg2 if CONFIGS[cfg2].z_steps else cfg1
    s1 = with_config({k: v.float() for k, v in first["G_ema"].items()}, cfg1, target)
    s2 = with_config({k: v.float() for k, v in second["G_ema"].items()}, cfg2, target)
    mixed = {k: (1 - a) * s1[k] + a * s2[k] if s1[k].is_floating_point() else s2[k] for k in s2}
    kept = {k: second[k] for k in ("frozen_config", "args") if k in second}
    return {**kept, "G_ema": mixed, "step": second.get("step", 0), "config": target}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ckpt", type=Path, required=True, help="the first run's checkpoint (weight 1 - a)")
    p.add_argument("--with", dest="other", type=Path, required=True, help="the second's (weight a)")
    p.add_argument("--a", type=float, default=0.5)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    if not 0 <= args.a <= 1:
        raise SystemExit(f"--a must be within 0..1, got {args.a}")
    load = lambda path: torch.load(path, map_location="cpu", weights_only=False)  # noqa: E731
    mixed = soup(load(args.ckpt), load(args.other), args.a)
    torch.save(mixed, args.out)
    print(f"{args.out}: {mixed['config']}, {args.a} of {args.other}")


if __name__ == "__main__":
    main()
