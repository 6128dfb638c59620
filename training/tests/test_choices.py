"""The teachers' CHOICES (where a z coordinate changes part, read by the student's mapping as z steps) against
their own rules: a sweep of each coordinate must change the drawn face exactly at the listed cuts."""
import json
import math
import subprocess
from statistics import NormalDist

import pytest
import torch

from training.model import CONFIGS, Generator, add_steps_from, z_steps_of

from .conftest import REPO

GRID, OFFSET = 1000, 0.37  # u = (k + OFFSET) / GRID: no cut of these rules falls on a grid point

SWEEP = """
import * as rule from './training/teachers/rule.mjs';
const style = await import(`./training/teachers/${process.argv[1]}.mjs`);
const [grid, offset] = [Number(process.argv[2]), Number(process.argv[4])];
const bases = JSON.parse(process.argv[3]);
const inv = (u) => { let lo = -9, hi = 9; for (let i = 0; i < 80; i++) { const m = (lo + hi) / 2;
  if (rule.normalCdf(m) < u) lo = m; else hi = m; } return (lo + hi) / 2; };
const out = {};
for (let d = 0; d < style.USED_DIMS; d++) {
  const changes = new Set();
  for (const base of bases) {
    let last = null;
    for (let k = 0; k < grid; k++) {
      const z = base.slice(); z[d] = inv((k + offset) / grid);
      const face = JSON.stringify(style.zToFace(z));
      if (last !== null && face !== last) changes.add(k);
      last = face;
    }
  }
  out[d] = [...changes].sort((a, b) => a - b);
}
process.stdout.write(JSON.stringify({ choices: style.CHOICES, changes: out }));
"""


def _sweep(style):
    # low u switches the gated parts on (toon's glasses, facial hair, back hair); both signs of z[0] (toon's sex)
    inv = NormalDist().inv_cdf
    bases = [[inv(u) for u in us] for us in ([0.05] * 24, [0.25] * 24, [0.95] * 24,
                                             [0.05 + 0.9 * ((7 * i) % 24) / 23 for i in range(24)])]
    bases += [[-b[0]] + b[1:] for b in bases]
    r = subprocess.run(["node", "--input-type=module", "-e", SWEEP, style, str(GRID), json.dumps(bases), str(OFFSET)],
                       cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(r.stdout)


@pytest.mark.parametrize("style", ["toon", "sketch"])
def test_each_coordinates_parts_change_exactly_at_its_listed_cuts(style):
    s = _sweep(style)
    for d, changes in s["changes"].items():
        cuts = s["choices"].get(d, [])
        # the first grid point past the cut
        expected = sorted({math.ceil(c * GRID - OFFSET) for c in cuts})
        continuous = len(changes) > 64  # a ramp or a range (no coordinate picks among more than 16 parts)
        if continuous:
            assert not cuts, f"{style} z[{d}] is continuous but lists cuts"
            continue
        assert changes == expected, f"{style} z[{d}]: the face changes at grid steps {changes}, CHOICES say {expected}"


def test_the_mapping_reads_the_toon_rules_cuts_as_z_steps():
    steps = z_steps_of("toon")
    choices = _sweep("toon")["choices"]
    assert len(steps) == sum(len(c) for c in choices.values())
    assert (8, pytest.approx(NormalDist().inv_cdf(0.125))) in steps


def test_local_steps_are_the_small_parts_cuts_alone():
    every, local = z_steps_of("toon"), z_steps_of("toon:local")
    coords = {i for i, _ in local}
    assert set(local) < set(every)
    assert {8, 9, 22} <= coords and not coords & {0, 4, 5}  # mouth, nose, glasses in; sex, head, hair out
    assert [s for s in every if s[0] in coords] == list(local)
    with pytest.raises(ValueError, match="local"):
        z_steps_of("toon:hair")
    big = Generator(CONFIGS["toon128l"])
    assert big.mapping.layers[0].weight.shape[1] == 64 + len(local)
    assert not {i for i, _ in z_steps_of("sketch:local")} & {0, 1}  # sketch's hair and head stay smooth


def test_adding_steps_keeps_the_trained_function():
    small = Generator(CONFIGS["toon128"])
    big = Generator(CONFIGS["toon128c"])
    add_steps_from(big, small.state_dict(), small.cfg)
    z = torch.randn(3, 64)
    with torch.no_grad():
        assert torch.allclose(small(z)[0], big(z)[0], atol=1e-2)
        assert big.mapping.layers[0].weight.shape[1] == 64 + len(z_steps_of("toon"))


def test_an_exported_model_with_steps_computes_what_the_trained_one_does(tmp_path):
    from training.export import export_random
    from training.modelfile import load_generator
    export_random("tinyc", "toon", tmp_path / "m")
    folded = load_generator(tmp_path / "m")
    assert len(folded.m["architecture"]["zSteps"]["steps"]) == len(z_steps_of("toon"))
    torch.manual_seed(0)
    G = Generator(CONFIGS["tinyc"]).eval()
    with torch.no_grad():
        G.mapping.w_avg.normal_()
        z = torch.randn(4, 32)
        assert torch.allclose(G(z)[0], folded(z), atol=1e-4)


def test_a_soup_gives_the_side_without_steps_the_other_sides_steps():
    from training.probes.soup import soup
    torch.manual_seed(0)
    plain, stepped = Generator(CONFIGS["tiny"]).eval(), Generator(CONFIGS["tinyc"]).eval()
    first = {"config": "tiny", "G_ema": plain.state_dict()}
    second = {"config": "tinyc", "G_ema": stepped.state_dict(), "step": 7}
    z = torch.randn(3, 32)
    ends = []
    for a in (0.0, 1.0):
        mixed = soup(first, second, a)
        assert mixed["config"] == "tinyc" and mixed["step"] == 7
        G = Generator(CONFIGS["tinyc"]).eval()
        G.load_state_dict(mixed["G_ema"])
        with torch.no_grad():
            ends.append(G(z)[0])
    with torch.no_grad():
        assert torch.allclose(ends[0], plain(z)[0], atol=1e-4)
        assert torch.allclose(ends[1], stepped(z)[0], atol=1e-4)
    half = soup(first, second, 0.5)["G_ema"]
    key = "mapping.layers.1.weight"
    assert torch.allclose(half[key], (plain.state_dict()[key] + stepped.state_dict()[key]) / 2)
    with pytest.raises(ValueError, match="more than z steps"):
        soup({"config": "toon128", "G_ema": {}}, second, 0.5)
