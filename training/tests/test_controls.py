import json

import numpy as np
import pytest
import torch

from training.controls import apply_controls, control_u, hex_to_rgb, ramp_position, vector_cases
from training.modelfile import load_generator, to_unit_rgba
from training.seeds import seeds_to_z
from training.teachers import make_teacher

from .conftest import REPO

VECTORS = json.loads((REPO / "test/fixtures/control-vectors.json").read_text())
RES = 64


def _teacher(style):
    return make_teacher(style, RES, workers=1)


@pytest.mark.parametrize("style", ["toon", "sketch"])
def test_the_shipped_block_is_the_teachers_rule(style):
    shipped = json.loads((REPO / "models" / style / "model.json").read_text())
    assert shipped["controls"] == _teacher(style).controls
    assert VECTORS["styles"][style]["controls"] == shipped["controls"]


@pytest.mark.parametrize("style", ["toon", "sketch"])
def test_the_vectors_are_what_this_mapping_gives(style):
    v = VECTORS["styles"][style]
    for case, again in zip(v["cases"], vector_cases(v["controls"]), strict=True):
        assert case["control"] == again["control"] and case["value"] == again["value"]
        assert abs(case["u"] - again["u"]) < 1e-9 and abs(case["z"] - again["z"]) < 1e-7


def test_a_ramp_finds_its_own_stops_and_clamps_off_ramp_colours():
    stops = ["#000000", "#ff0000", "#ffffff"]
    assert ramp_position(stops, "#ff0000") == 0.5 and ramp_position(stops, "#000") == 0.0
    assert ramp_position(stops, "#ff8080") == pytest.approx(0.75, abs=1 / 64)
    assert control_u({"kind": "ramp", "stops": stops}, "#000") == 0.01  # clamped: |z| <= 2.33
    with pytest.raises(ValueError, match="expected a colour"):
        hex_to_rgb("red")
    with pytest.raises(ValueError, match=r"expected a number in \[0, 1\]"):
        control_u({"kind": "range"}, 1.5)


def _mode_colour(img, box):
    x0, y0, x1, y1 = box
    px = img[y0:y1, x0:x1]
    px = px[px[..., 3] == 255][:, :3]
    values, counts = np.unique(px, axis=0, return_counts=True)
    return values[np.argmax(counts)].astype(int)


def test_toon_skin_tone_and_hair_colour_are_what_the_teacher_draws():
    t = _teacher("toon")
    z = seeds_to_z(range(3), 64)
    lm = t.landmarks
    # the cheeks: below the eyes, beside the nose
    box = (int(lm["leftEye"][0]) - 2, int(lm["leftEye"][1]) + 3, int(lm["leftEye"][0]) + 2, int(lm["mouth"][1]) - 3)
    for stop in ("#fedac7", "#bb876f", "#5c3937"):
        img = t.render(apply_controls(z, t.controls, {"skinTone": stop, "hairColor": "#b55239"}))
        for face in img:
            assert np.abs(_mode_colour(face, box) - hex_to_rgb(stop)).max() <= 3
            hair = np.abs(face[..., :3].astype(int) - hex_to_rgb("#b55239")).max(-1) <= 3
            assert hair.mean() > 0.005 or face[..., 3].mean() == 0  # drawn where the hair is (not bald)


def test_toon_face_width_widens_the_head_and_glasses_switch():
    t = _teacher("toon")
    z = seeds_to_z(range(4), 64)
    width = lambda img: (img[:, int(t.landmarks["mouth"][1]), :, 3] > 128).sum(-1)
    narrow = width(t.render(apply_controls(z, t.controls, {"faceWidth": 0.0})))
    wide = width(t.render(apply_controls(z, t.controls, {"faceWidth": 1.0})))
    assert (wide > narrow).all()
    on = t.render(apply_controls(z, t.controls, {"glasses": True}))
    off = t.render(apply_controls(z, t.controls, {"glasses": False}))
    assert all((a != b).any() for a, b in zip(on, off))


def test_sketch_ink_and_paper_are_what_the_teacher_draws():
    t = _teacher("sketch")
    z = seeds_to_z(range(3), 64)
    img = t.render(apply_controls(z, t.controls, {"paper": "#f1dfc4", "ink": "#27304d"}))
    lm = t.landmarks
    box = (int(lm["leftEye"][0]) - 2, int(lm["leftEye"][1]) + 3, int(lm["leftEye"][0]) + 2, int(lm["mouth"][1]) - 3)
    for face in img:
        assert np.abs(_mode_colour(face, box) - hex_to_rgb("#f1dfc4")).max() <= 3


@pytest.mark.parametrize("style,control,light,dark", [("toon", "skinTone", "#fedac7", "#5c3937"),
                                                      ("sketch", "paper", "#ffffff", "#f1dfc4")])
def test_the_shipped_student_follows_a_colour_control(style, control, light, dark):
    g = load_generator(REPO / "models" / style)
    z = seeds_to_z(range(900_000, 900_008), g.m["architecture"]["zDim"])  # validation seeds
    lm = g.m["canonical"]
    x, y0, y1 = int(lm["leftEye"][0]), int(lm["leftEye"][1]) + 8, int(lm["mouth"][1]) - 8
    cheek = lambda zz: to_unit_rgba(g(torch.from_numpy(zz)))[:, :3, y0:y1, x - 4:x + 4].mean((2, 3)).numpy() * 255
    a = cheek(apply_controls(z, g.m["controls"], {control: light}))
    b = cheek(apply_controls(z, g.m["controls"], {control: dark}))
    target = hex_to_rgb(light) - hex_to_rgb(dark)
    # every face moves the way the two colours differ, by at least half of it
    moved = ((a - b) * target).sum(1) / (target * target).sum()
    assert (moved > 0.5).all(), moved
