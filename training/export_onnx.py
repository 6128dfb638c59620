"""Export a shipped model to ONNX, for the onnxruntime-web comparison in `npm run bench`.

    python3 -m training.export_onnx --model models/toon --out bench/models/toon.onnx

The graph is the exported browser model run by `FoldedGenerator` (the same ops as src/core/generator.ts):
inputs `z` [1, zDim] and `truncation` [1], output `rgba` [1, R, R, 4], premultiplied RGBA in [0, 1] (NHWC), exactly
what `Generator.generate` returns. Weights are float32 initializers, from the float16 (or float32) model files.
test/onnx-parity.test.ts checks it against the model's goldens in onnxruntime-web.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from .modelfile import FoldedGenerator, load_generator, to_unit_rgba

OPSET = 17


class OnnxGenerator(torch.nn.Module):
    def __init__(self, g: FoldedGenerator):
        super().__init__()
        self.g = g

    def forward(self, z: torch.Tensor, truncation: torch.Tensor) -> torch.Tensor:
        ws = self.g.ws(z, truncation)
        return to_unit_rgba(self.g.synthesis(ws)).permute(0, 2, 3, 1)


def export(model_dir: Path, out: Path) -> None:
    g = load_generator(model_dir / "model.json")
    z_dim = g.m["architecture"]["zDim"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            OnnxGenerator(g),
            (torch.zeros(1, z_dim), torch.ones(1)),
            str(out),
            input_names=["z", "truncation"],
            output_names=["rgba"],
            opset_version=OPSET,
            do_constant_folding=True,
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, required=True, help="folder with model.json")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    export(a.model, a.out)
    print(f"{a.out}: {a.out.stat().st_size} bytes (opset {OPSET})")


if __name__ == "__main__":
    main()
