"""The flicker penalty (losses.arc_neighbour, losses.step_excess) and the latent-space measures (training.latent)."""
import json
import math

import numpy as np
import pytest
import torch

from training.latent import capture_u8, path_stats
from training.losses import arc_neighbour, step_excess
from training.train import parse_args, train


def test_arc_neighbour_keeps_the_norm_and_moves_by_the_angle():
    z = torch.randn(8, 64, generator=torch.Generator().manual_seed(0))
    n = arc_neighbour(z, 0.1)
    assert torch.allclose(n.norm(dim=1), z.norm(dim=1), rtol=1e-5)
    cos = (n * z).sum(1) / (n.norm(dim=1) * z.norm(dim=1))
    assert torch.allclose(cos, torch.full((8,), math.cos(0.1)), atol=1e-5)


def test_step_excess_costs_only_the_steps_beyond_the_ratio():
    a = torch.zeros(5, 4, 8, 8)
    even = a + torch.tensor([0.1, 0.1, 0.1, 0.1, 0.15]).view(5, 1, 1, 1)
    penalty, delta = step_excess(a, even, ratio=2.0)
    assert penalty.item() == 0 and torch.allclose(delta, torch.tensor([0.1, 0.1, 0.1, 0.1, 0.15]))
    jump = a + torch.tensor([0.1, 0.1, 0.1, 0.1, 0.5]).view(5, 1, 1, 1)
    jump.requires_grad_(True)
    penalty, _ = step_excess(a, jump, ratio=2.0)
    assert abs(penalty.item() - (5.0 - 2.0) ** 2 / 5) < 1e-5  # one face at 5 medians, 3 over the ratio
    penalty.backward()
    assert jump.grad[4].sum() > 0 and jump.grad[:4].abs().sum() == 0  # only the jump is pulled back


def test_path_stats_tell_a_cut_from_a_fade():
    za, zb = np.zeros(4, np.float32), np.zeros(4, np.float32)
    za[0], zb[1] = 1.0, 1.0
    def image(z, cut):  # an opaque grey whose brightness follows the path's angle: a fade, or a switch at 45 deg
        t = torch.atan2(z[:, 1], z[:, 0]) / (math.pi / 2)
        v = (t > 0.5).float() if cut else t
        grey = (v * 2 - 1).view(-1, 1, 1, 1).expand(-1, 3, 8, 8)
        return torch.cat([grey, torch.ones(len(z), 1, 8, 8)], 1)
    fade = path_stats(lambda z: image(z, False), za, zb)
    cut = path_stats(lambda z: image(z, True), za, zb)
    assert fade["ratio"] < 1.2 and fade["share"] < 0.1
    assert cut["share"] > 0.9


def test_capture_reads_back_straight_alpha_and_drops_colour_where_alpha_rounds_to_zero():
    x = torch.tensor([[0.5, 0.25, 0.0, 0.5], [0.001, 0.001, 0.001, 0.001]]).view(2, 4, 1, 1) * 2 - 1
    got = capture_u8(x).view(2, 4)
    assert got[0].tolist() == [255, 128, 0, 128]
    assert got[1].tolist() == [0, 0, 0, 0]


def test_the_flicker_penalty_trains_and_is_logged(tiny_cache, tmp_path):
    out = tmp_path / "run"
    train(parse_args(["--config", "tiny", "--data", str(tiny_cache), "--out", str(out), "--batch", "4",
                      "--steps", "4", "--log-every", "2", "--adv-start", "100", "--smooth-weight", "1",
                      "--threads", "1"]))
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert len(log) == 2 and all(r["smooth"] >= 0 and r["step_ratio"] >= 1 for r in log)


def test_every_seed_picking_command_refuses_the_held_out_seeds(tmp_path):
    from training.data import EVAL_SEED_START, build_cache, require_below_eval
    from training.latent import measure
    require_below_eval(EVAL_SEED_START, "seeds")  # a range that stops right at the held-out start is fine
    with pytest.raises(ValueError, match="held-out evaluation seeds"):
        require_below_eval(EVAL_SEED_START + 1, "seeds")
    with pytest.raises(ValueError, match="training seeds must be"):
        build_cache("toon", 32, 64, range(EVAL_SEED_START - 2, EVAL_SEED_START + 2), tmp_path / "c")
    with pytest.raises(ValueError, match="latent-measure seeds must be"):  # 2 pairs + 4 per set overrun by one
        measure(None, 64, pairs=2, sets=1, start=EVAL_SEED_START - 7)


def test_a_teacher_is_measured_through_the_same_paths(monkeypatch):
    """--teacher: the rule's own renders go through path_stats as the student's do (model space, premultiplied)."""
    from training import latent

    class Rule:  # a teacher whose face switches from black to white half way along the path
        def __init__(self, style, resolution):
            pass

        def render(self, z):
            on = (np.arctan2(z[:, 1], z[:, 0]) > math.pi / 4).astype(np.uint8) * 255
            img = np.zeros((len(z), 4, 4, 4), np.uint8)
            img[..., :3] = on[:, None, None, None]
            img[..., 3] = 255
            return img

    monkeypatch.setattr("training.teachers.procedural.ProceduralTeacher", Rule)
    G = latent._TeacherG("toon", 4)
    za, zb = np.zeros(4, np.float32), np.zeros(4, np.float32)
    za[0], zb[1] = 1.0, 1.0
    s = path_stats(G, za, zb)
    assert s["share"] == pytest.approx(1.0) and s["total"] == pytest.approx(255 * 3 / 4)
    with pytest.raises(ValueError, match="truncation"):
        G(torch.zeros(1, 4), truncation=0.5)
