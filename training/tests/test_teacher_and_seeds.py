import json

import numpy as np
import pytest

from training.seeds import seed_to_z, seeds_to_z
from training.teachers import make_teacher

from .conftest import REPO


def test_seed_vectors_match_the_shared_fixture():
    vectors = json.loads((REPO / "test/fixtures/seed-vectors.json").read_text())
    for case in vectors["cases"]:
        z = seed_to_z(case["seed"], case["zDim"])
        np.testing.assert_array_equal(z, np.array(case["z"], dtype=np.float32))


def test_seeds_are_gaussian_and_distinct():
    z = seeds_to_z(range(200), 64)
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05
    assert not np.array_equal(z[0], z[1])


@pytest.mark.parametrize("bad", [-1, 2 ** 32, 1.5, "3"])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(ValueError, match="seed must be an integer"):
        seed_to_z(bad, 4)


@pytest.mark.parametrize("style", ["toon", "sketch"])
def test_teacher_is_deterministic_and_draws_a_head(style):
    t = make_teacher(style, 32, workers=1)
    z = seeds_to_z([3, 4, 5, 6], 32)
    a, b = t.render(z), t.render(z)
    assert a.shape == (4, 32, 32, 4) and a.dtype == np.uint8
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a[0], a[1])
    alpha = a[..., 3]
    assert ((alpha == 0).mean(axis=(1, 2)) > 0.05).all()  # a head on a transparent background ...
    assert (alpha[:, 16, 16] == 255).all()                # ... with an opaque face centre
    assert (a[..., :3] <= a[..., 3:]).all()               # premultiplied


@pytest.mark.parametrize("style", ["toon", "sketch"])
def test_teacher_reports_canonical_landmarks(style):
    t = make_teacher(style, 128, workers=1)
    le, re, mo = t.landmarks["leftEye"], t.landmarks["rightEye"], t.landmarks["mouth"]
    assert abs(le[1] - re[1]) < 2 and le[0] < mo[0] < re[0] and mo[1] > le[1]


def test_every_style_puts_eyes_and_mouth_in_the_same_frame():
    toon = make_teacher("toon", 128, workers=1).landmarks
    sketch = make_teacher("sketch", 128, workers=1).landmarks
    for k in toon:
        assert np.hypot(*np.subtract(toon[k], sketch[k])) < 0.035 * 128, (k, toon[k], sketch[k])
