"""Export and load the browser model format (docs/model-format.md), and run it.

`FoldedGenerator` runs the exported tensors with the same ops, in the same order, as src/core/generator.ts,
so that evaluation and the goldens measure exactly what ships.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .model import LRELU_GAIN, LRELU_SLOPE, Generator, depth_to_space

FORMAT = "blaze-face/generator"
FORMAT_VERSION = 1
DTYPES = {"float16": np.float16, "float32": np.float32}


def _nhwc_conv(w: torch.Tensor) -> torch.Tensor:
    return w.permute(2, 3, 1, 0).contiguous()  # [out, in, kh, kw] -> [kh, kw, in, out]


def _nhwc_depthwise(w: torch.Tensor) -> torch.Tensor:
    return w.permute(2, 3, 0, 1).contiguous()  # [in, 1, kh, kw] -> [kh, kw, in, 1]


def folded_tensors(G: Generator) -> dict[str, torch.Tensor]:
    """Inference tensors by name, in tfjs layouts (NHWC, dense [in, out])."""
    t: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        for i, layer in enumerate(G.mapping.layers):
            w, b = layer.export()
            t[f"mapping.{i}.weight"], t[f"mapping.{i}.bias"] = w * LRELU_GAIN, b * LRELU_GAIN
        t["w_avg"] = G.mapping.w_avg.clone()
        t["const"] = G.const.permute(0, 2, 3, 1).contiguous()

        def modconv(prefix, m):
            aw, ab = m.affine.export()
            dw, pw, bias = m.folded()
            t[f"{prefix}.affine.weight"], t[f"{prefix}.affine.bias"] = aw, ab
            t[f"{prefix}.depthwise"] = _nhwc_depthwise(dw)
            t[f"{prefix}.pointwise"] = _nhwc_conv(pw)
            t[f"{prefix}.bias"] = bias

        for j, conv in enumerate(G.convs):
            modconv(f"conv.{j}", conv)
        for prefix, head in (("head", G.heads[-1]),) + ((("skip", G.heads[-2]),) if G.cfg.skip else ()):
            modconv(f"{prefix}.mod", head.mod)
            for name in ("conv1", "conv2"):
                w, b = getattr(head, name).folded()
                t[f"{prefix}.{name}.weight"], t[f"{prefix}.{name}.bias"] = _nhwc_conv(w), b
    return {k: v.detach().float().cpu() for k, v in t.items()}


def architecture(G: Generator) -> dict:
    c = G.cfg
    return {"zDim": c.z_dim, "wDim": c.w_dim, "mappingLayers": c.mapping_layers, "numWs": c.num_ws,
            "channels": list(c.channels), "headChannels": c.top_head_channels, "lreluSlope": LRELU_SLOPE,
            "skip": c.skip,
            **({"skipHeadChannels": list(c.head_channels)} if c.skip and c.top_head_channels != c.head_channels else {}),
            **({"zSteps": {"width": c.z_step_width,
                           "steps": [[int(i), float(t)] for i, t in zip(G.mapping.step_index, G.mapping.step_at)]}}
               if c.z_steps else {})}


def expected_shapes(arch: dict) -> dict[str, tuple]:
    """The tensors a model.json must list, with shapes: the single source the loaders validate against."""
    z, w, ch = arch["zDim"], arch["wDim"], arch["channels"]
    s: dict[str, tuple] = {}
    for i in range(arch["mappingLayers"]):
        s[f"mapping.{i}.weight"] = (z + len(arch.get("zSteps", {}).get("steps", [])) if i == 0 else w, w)
        s[f"mapping.{i}.bias"] = (w,)
    s["w_avg"] = (w,)
    s["const"] = (1, 4, 4, ch[0])

    def modconv(prefix, cin, cout):
        s[f"{prefix}.affine.weight"], s[f"{prefix}.affine.bias"] = (w, cin), (cin,)
        s[f"{prefix}.depthwise"], s[f"{prefix}.pointwise"], s[f"{prefix}.bias"] = (3, 3, cin, 1), (1, 1, cin, cout), (cout,)

    for b in range(len(ch)):
        modconv(f"conv.{2 * b}", ch[0] if b == 0 else ch[b - 1], ch[b])
        modconv(f"conv.{2 * b + 1}", ch[b], ch[b])
    heads = [("head", ch[-1], arch["headChannels"])]
    if arch.get("skip"):
        heads.append(("skip", ch[-2], arch.get("skipHeadChannels", arch["headChannels"])))
    for prefix, cin, (c1, c2) in heads:
        modconv(f"{prefix}.mod", cin, 4 * c1)
        s[f"{prefix}.conv1.weight"], s[f"{prefix}.conv1.bias"] = (3, 3, c1, 4 * c2), (4 * c2,)
        s[f"{prefix}.conv2.weight"], s[f"{prefix}.conv2.bias"] = (3, 3, c2, 4), (4,)
    return s


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_model(out: Path, tensors: dict, arch: dict, meta: dict, dtype: str = "float16") -> dict:
    out.mkdir(parents=True, exist_ok=True)
    shapes = expected_shapes(arch)
    if set(shapes) != set(tensors):
        raise ValueError(f"tensor names differ from the format: {sorted(set(shapes) ^ set(tensors))}")
    entries, blobs, offset = [], [], 0
    for name in shapes:  # the format's order
        arr = tensors[name].numpy().astype(DTYPES[dtype])
        if tuple(arr.shape) != shapes[name]:
            raise ValueError(f"{name}: expected shape {shapes[name]}, got {arr.shape}")
        data = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        entries.append({"name": name, "shape": list(arr.shape), "file": 0, "byteOffset": offset})
        blobs.append(data)
        offset += len(data)
    weights_name = "weights.bin"
    (out / weights_name).write_bytes(b"".join(blobs))
    manifest = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        **meta,
        "architecture": arch,
        "dtype": dtype,
        "weightFiles": [{"path": weights_name, "byteLength": offset, "sha256": sha256(out / weights_name)}],
        "tensors": entries,
    }
    (out / "model.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


class ModelFormatError(ValueError):
    pass


def load_model(path: Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """Read and validate a model folder (or its model.json). Returns (manifest, float32 tensors)."""
    path = Path(path)
    root = path if path.is_dir() else path.parent
    m = json.loads((root / "model.json").read_text())
    if m.get("format") != FORMAT:
        raise ModelFormatError(f"expected format {FORMAT!r}, got {m.get('format')!r}")
    if m.get("formatVersion") != FORMAT_VERSION:
        raise ModelFormatError(f"expected formatVersion {FORMAT_VERSION}, got {m.get('formatVersion')!r}")
    if m.get("dtype") not in DTYPES:
        raise ModelFormatError(f"expected dtype one of {sorted(DTYPES)}, got {m.get('dtype')!r}")
    files = []
    for wf in m["weightFiles"]:
        data = (root / wf["path"]).read_bytes()
        if len(data) != wf["byteLength"]:
            raise ModelFormatError(f"{wf['path']}: expected {wf['byteLength']} bytes, got {len(data)}")
        digest = hashlib.sha256(data).hexdigest()
        if digest != wf["sha256"]:
            raise ModelFormatError(f"{wf['path']}: expected sha256 {wf['sha256']}, got {digest}")
        files.append(data)
    shapes = expected_shapes(m["architecture"])
    listed = {t["name"]: t for t in m["tensors"]}
    if set(listed) != set(shapes):
        raise ModelFormatError(f"tensor names differ from the format: {sorted(set(listed) ^ set(shapes))}")
    dt = np.dtype(DTYPES[m["dtype"]]).newbyteorder("<")
    tensors = {}
    for name, shape in shapes.items():
        t = listed[name]
        if tuple(t["shape"]) != shape:
            raise ModelFormatError(f"{name}: expected shape {list(shape)}, got {t['shape']}")
        count = int(np.prod(shape))
        arr = np.frombuffer(files[t["file"]], dtype=dt, count=count, offset=t["byteOffset"])
        tensors[name] = torch.from_numpy(arr.astype(np.float32).reshape(shape))
    return m, tensors


class FoldedGenerator:
    """Inference from exported tensors; mirrors src/core/generator.ts op for op (NCHW here, NHWC there)."""

    def __init__(self, manifest: dict, tensors: dict[str, torch.Tensor]):
        self.m, self.t = manifest, tensors
        a = manifest["architecture"]
        self.num_blocks, self.num_ws, self.slope = len(a["channels"]), a["numWs"], a["lreluSlope"]
        self.mapping_layers = a["mappingLayers"]
        self.skip = bool(a.get("skip"))
        steps = a.get("zSteps")
        self.steps = (torch.tensor([i for i, _ in steps["steps"]]), torch.tensor([t for _, t in steps["steps"]]),
                      steps["width"]) if steps else None

    def mapping(self, z: torch.Tensor) -> torch.Tensor:
        x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        if self.steps is not None:
            index, at, width = self.steps
            x = torch.cat([x, torch.tanh((z[:, index] - at) / width)], dim=1)
        for i in range(self.mapping_layers):
            x = F.leaky_relu(x @ self.t[f"mapping.{i}.weight"] + self.t[f"mapping.{i}.bias"], self.slope)
        return x

    def ws(self, z, truncation: float = 1.0, mix_z=None, mix_layer=None) -> torch.Tensor:
        def trunc(w):
            return self.t["w_avg"] + truncation * (w - self.t["w_avg"])
        w = trunc(self.mapping(z))
        ws = w.unsqueeze(1).repeat(1, self.num_ws, 1)
        if mix_z is not None and mix_layer is not None:
            ws[:, mix_layer:] = trunc(self.mapping(mix_z)).unsqueeze(1)
        return ws

    def _modconv(self, prefix, x, w, activate=True):
        t = self.t
        s = w @ t[f"{prefix}.affine.weight"] + t[f"{prefix}.affine.bias"]
        x = x * s[:, :, None, None]
        dw = t[f"{prefix}.depthwise"].permute(2, 3, 0, 1)
        x = F.conv2d(x, dw, padding=1, groups=x.shape[1])
        x = F.conv2d(x, t[f"{prefix}.pointwise"].permute(3, 2, 0, 1), t[f"{prefix}.bias"])
        return F.leaky_relu(x, self.slope) if activate else x

    def _conv(self, name, x, activate):
        x = F.conv2d(x, self.t[f"{name}.weight"].permute(3, 2, 0, 1), self.t[f"{name}.bias"], padding=1)
        return F.leaky_relu(x, self.slope) if activate else x

    def synthesis(self, ws: torch.Tensor) -> torch.Tensor:
        """ws [N, num_ws, w_dim] -> RGBA [N, 4, R, R] in [-1, 1], premultiplied."""
        x = self.t["const"].permute(0, 3, 1, 2).expand(ws.shape[0], -1, -1, -1)
        below = None
        for i in range(self.num_blocks):
            if i > 0:
                x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = self._modconv(f"conv.{2 * i}", x, ws[:, 2 * i])
            x = self._modconv(f"conv.{2 * i + 1}", x, ws[:, 2 * i + 1])
            if self.skip and i == self.num_blocks - 2:
                below = self._head("skip", x, ws[:, 2 * i + 2])
        out = self._head("head", x, ws[:, -1])
        if below is not None:
            out = out + F.interpolate(below, scale_factor=2, mode="bilinear", align_corners=False)
        return out

    def _head(self, prefix, x, w):
        x = depth_to_space(self._modconv(f"{prefix}.mod", x, w))
        x = depth_to_space(self._conv(f"{prefix}.conv1", x, True))
        return self._conv(f"{prefix}.conv2", x, False)

    @torch.no_grad()
    def __call__(self, z, truncation: float = 1.0, mix_z=None, mix_layer=None) -> torch.Tensor:
        return self.synthesis(self.ws(z, truncation, mix_z, mix_layer))


def to_unit_rgba(x: torch.Tensor) -> torch.Tensor:
    """Model output [-1, 1] -> premultiplied RGBA in [0, 1] with colour <= alpha, as the browser shows it."""
    x = ((x + 1) / 2).clamp(0, 1)
    return torch.cat([torch.minimum(x[:, :3], x[:, 3:4]), x[:, 3:4]], dim=1)


def unit_from_render(img: np.ndarray) -> torch.Tensor:
    """A teacher's render (uint8 NHWC, premultiplied) -> NCHW in [0, 1], the space of to_unit_rgba's faces."""
    return torch.from_numpy(img).permute(0, 3, 1, 2).float() / 255


def load_generator(path: Path) -> FoldedGenerator:
    return FoldedGenerator(*load_model(path))
