// The ONNX export used by `npm run bench` (bench/models/toon.onnx, from training/export_onnx.py) computes what the
// shipped model computes: onnxruntime-web's output against the model's goldens.
import { expect } from '@esm-bundle/chai';
import { seedToZ } from '../dist/blaze-face.js';
import { diffStats } from './helpers.js';

interface Ort {
  env: { wasm: { wasmPaths: string | { wasm: string } } };
  InferenceSession: {
    create(
      url: string,
      o: object,
    ): Promise<{
      run(feeds: object): Promise<Record<string, { getData(): Promise<Float32Array>; dims: number[] }>>;
      release(): Promise<void>;
    }>;
  };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => object;
}

describe('ONNX export (onnxruntime-web, wasm)', () => {
  it('matches the goldens of models/toon', async () => {
    const ort = (await import('/node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs' as string)) as Ort;
    // The bundle carries its wasm glue; only the binary is fetched (the test server would rewrite the glue).
    ort.env.wasm.wasmPaths = { wasm: '/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm' };
    const model = new URL('../models/toon/', import.meta.url);
    const manifest = await (await fetch(new URL('model.json', model))).json();
    const goldens = (await (await fetch(new URL('goldens/goldens.json', model))).json()).cases as {
      seed: number;
      truncation?: number;
      mixSeed?: number;
      file: string;
    }[];
    const session = await ort.InferenceSession.create(new URL('../bench/models/toon.onnx', import.meta.url).href, {
      executionProviders: ['wasm'],
    });
    const zDim = manifest.architecture.zDim,
      R = manifest.resolution;
    let checked = 0;
    for (const c of goldens.filter((g) => g.mixSeed === undefined)) {
      // the ONNX graph has no style mixing
      const out = await session.run({
        z: new ort.Tensor('float32', seedToZ(c.seed, zDim), [1, zDim]),
        truncation: new ort.Tensor('float32', new Float32Array([c.truncation ?? 1]), [1]),
      });
      expect(out.rgba!.dims).to.deep.equal([1, R, R, 4]);
      const got = Array.from(await out.rgba!.getData(), (v) => Math.round(v * 255));
      const want = new Uint8Array(await (await fetch(new URL(c.file, model))).arrayBuffer());
      const d = diffStats(got, want);
      expect(d.mean, `${c.file} mean`).to.be.below(0.5);
      expect(d.max, `${c.file} max`).to.be.at.most(4);
      checked++;
    }
    await session.release();
    expect(checked).to.equal(4);
  });
});
