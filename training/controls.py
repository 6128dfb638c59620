"""Face controls: z coordinates that a page sets by meaning (skin tone, hair colour, face width, ...).

A procedural teacher's rule reads some coordinates in a documented way (training/teachers/<style>.mjs, CONTROLS):
`z[2]` picks the toon skin tone along a ramp of colours, and so on. The student follows z, so setting those
coordinates steers the face. Export writes the teacher's block into model.json (`controls`); how a value becomes
a coordinate is specified once, in docs/model-format.md ("Controls"), and implemented here and in
src/core/controls.ts, which test/fixtures/control-vectors.json checks against each other.

    python3 -m training.controls --refresh models/toon        # the teacher's block into a model.json
    python3 -m training.controls --vectors test/fixtures/control-vectors.json
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from statistics import NormalDist

import numpy as np

# u is kept inside [U_MIN, 1 - U_MIN]: |z| <= 2.33, where the student has seen faces.
U_MIN = 0.01
# A ramp is searched at this many points per segment between its stops.
SAMPLES_PER_SEGMENT = 32
KINDS = ("ramp", "range", "switch")


def hex_to_rgb(text: str) -> np.ndarray:
    t = text.lstrip("#")
    if len(t) == 3:
        t = "".join(c * 2 for c in t)
    if len(t) != 6 or any(c not in "0123456789abcdefABCDEF" for c in t):
        raise ValueError(f"expected a colour as #rrggbb or #rgb, got {text!r}")
    return np.array([int(t[i:i + 2], 16) for i in (0, 2, 4)], np.float64)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 [..., 3] -> CIELAB (D65 white)."""
    c = np.asarray(rgb, np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def ramp_position(stops: list[str], colour: str) -> float:
    """The ramp parameter in [0, 1] whose colour (the teacher's sRGB interpolation) is nearest `colour` in CIELAB."""
    rgb = np.stack([hex_to_rgb(s) for s in stops])
    k = SAMPLES_PER_SEGMENT * (len(stops) - 1)
    t = np.arange(k + 1) / k
    x = t * (len(stops) - 1)
    i = np.minimum(len(stops) - 2, np.floor(x).astype(int))
    samples = rgb[i] + (rgb[i + 1] - rgb[i]) * (x - i)[:, None]
    d = ((srgb_to_lab(samples) - srgb_to_lab(hex_to_rgb(colour))) ** 2).sum(1)
    return float(t[int(np.argmin(d))])  # the first of equals


def control_u(control: dict, value) -> float:
    kind = control["kind"]
    if kind == "ramp":
        u = ramp_position(control["stops"], value)
    elif kind == "range":
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"expected a number in [0, 1], got {value!r}")
        u = float(value)
    elif kind == "switch":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        u = control["below"] / 2 if value else (1 + control["below"]) / 2
    else:
        raise ValueError(f"expected a control kind among {KINDS}, got {kind!r}")
    return min(1 - U_MIN, max(U_MIN, u))


def control_z(control: dict, value) -> float:
    return NormalDist().inv_cdf(control_u(control, value))


def apply_controls(z: np.ndarray, controls: dict, values: dict) -> np.ndarray:
    """z [N, zDim] with each named control's coordinate set from its value; the rest of z unchanged."""
    out = np.array(z, np.float32, copy=True)
    for name, value in values.items():
        if name not in controls:
            raise ValueError(f"expected a control among {sorted(controls)}, got {name!r}")
        out[:, controls[name]["z"]] = control_z(controls[name], value)
    return out


def vector_cases(controls: dict) -> list[dict]:
    """Values that exercise every control: each ramp's stops, points between them and colours off the ramp."""
    cases = []
    for name, c in controls.items():
        if c["kind"] == "ramp":
            values = list(c["stops"]) + ["#000000", "#ffffff", "#808080", "#c08060", "#3050a0", "#fc0"]
        elif c["kind"] == "range":
            values = [0, 0.25, 0.5, 0.9, 1]
        else:
            values = [True, False]
        for v in values:
            cases.append({"control": name, "value": v, "u": round(control_u(c, v), 9), "z": round(control_z(c, v), 9)})
    return cases


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--refresh", type=Path, nargs="*", default=[], help="model folders: write the teacher's block")
    p.add_argument("--vectors", type=Path, default=None, help="write the test vectors of the bundled styles here")
    a = p.parse_args(argv)
    from .teachers import make_teacher
    for model in a.refresh:
        path = model / "model.json"
        m = json.loads(path.read_text())
        controls = make_teacher(m["data"]["teacher"], m["resolution"], workers=1).controls
        if controls:
            m["controls"] = controls
        else:
            m.pop("controls", None)
        path.write_text(json.dumps(m, indent=2) + "\n")
        print(f"{path}: controls {sorted(controls)}")
    if a.vectors:
        styles = {s: make_teacher(s, 16, workers=1).controls for s in ("toon", "sketch")}
        out = {"note": "written by python -m training.controls --vectors; checked by training/tests/test_controls.py "
                       "and test/node/controls.test.ts",
               "styles": {s: {"controls": c, "cases": vector_cases(c)} for s, c in styles.items()}}
        a.vectors.write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {a.vectors}")


if __name__ == "__main__":
    main()
