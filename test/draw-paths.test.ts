import { expect } from '@esm-bundle/chai';
import { seedToZ } from '../dist/blaze-face.js';
import { Generator, drawPath, faceImageData, loadModel, tf, unpremultiply } from '../dist/internal.js';
import { cleanup, makeFace, next } from './helpers.js';

// The CPU draw path and the mapping cache, on this page's default backend (wasm here: test/draw-webgl.test.ts covers
// the WebGL path). Speed is the bench's (npm run bench, animate mode); these check pixels, events and tensors.

const MODEL = new URL('../models/toon/model.json', import.meta.url).href;

/** The demo's animate walk: a great circle between two latents, as the attribute string. */
function walk(step: number): string {
  const a = seedToZ(1, 64),
    b = seedToZ(2, 64);
  const t = ((step % 200) / 200) * (Math.PI / 2);
  return Array.from(a, (v, i) => (v * Math.cos(t) + b[i]! * Math.sin(t)).toFixed(4)).join(',');
}

describe('draw paths and the mapping cache', () => {
  let gen: Generator;
  before(async () => {
    await next(makeFace(), 'blaze-face-render'); // the page's backend
    await cleanup();
    gen = new Generator(await loadModel(MODEL));
  });
  after(() => gen?.dispose());
  afterEach(cleanup);

  it('makes the same bytes as unpremultiply and toPixels did, within 1/255', async () => {
    const req = { z: seedToZ(42, 64), truncation: 0.8, mixZ: seedToZ(3, 64), mixLayer: 6 };
    const face = gen.generate(req);
    const straight = unpremultiply(face);
    const before = await tf.browser.toPixels(straight);
    tf.dispose([face, straight]);
    const now = (await faceImageData(gen, req)).data;
    let max = 0;
    for (let i = 0; i < now.length; i++) max = Math.max(max, Math.abs(now[i]! - before[i]!));
    expect(max).to.be.at.most(1);
  });

  it('runs the mapping only for a latent it has not just mapped, with the same pixels', async () => {
    const kernels = async (z: Float32Array, truncation: number) => {
      const prof = await tf.profile(() => gen.generate({ z, truncation }));
      tf.dispose(prof.result as tf.Tensor);
      return prof.kernels.length;
    };
    const fresh = await kernels(seedToZ(100, 64), 1);
    expect(await kernels(seedToZ(100, 64), 1), 'the same latent again').to.be.below(fresh);
    expect(await kernels(seedToZ(100, 64), 0.5), 'a new truncation').to.be.below(fresh);
    expect(await kernels(seedToZ(101, 64), 1), 'a new latent').to.equal(fresh);
    // A face from the kept w is the face a new generator makes.
    const req = { z: seedToZ(101, 64), truncation: 0.5 };
    const other = new Generator(await loadModel(MODEL));
    try {
      const [a, b] = [gen.generate(req), other.generate(req)];
      expect(Array.from(await a.data())).to.deep.equal(Array.from(await b.data()));
      tf.dispose([a, b]);
    } finally {
      other.dispose();
    }
  });

  it('keeps a fixed number of tensors while latents, mix latents and truncations change, and frees them on dispose', async () => {
    const start = tf.memory().numTensors;
    const g = new Generator(await loadModel(MODEL));
    const one = async (seed: number, mix: number | null, truncation: number) => {
      const req =
        mix === null
          ? { z: seedToZ(seed, 64), truncation }
          : { z: seedToZ(seed, 64), truncation, mixZ: seedToZ(mix, 64), mixLayer: 4 };
      await faceImageData(g, req);
    };
    await one(1, 2, 1);
    const held = tf.memory().numTensors;
    for (let i = 0; i < 6; i++) await one(10 + i, i % 2 ? null : 20 + i, i % 3 ? 1 : 0.7);
    expect(tf.memory().numTensors).to.equal(held);
    g.dispose();
    expect(tf.memory().numTensors).to.equal(start);
  });

  it('draws through the CPU path here and holds tensors flat over 40 animate frames', async function () {
    this.timeout(300000);
    const el = makeFace({ latent: walk(0) });
    const first = await next(el, 'blaze-face-render');
    expect(first.detail.draw).to.equal(drawPath());
    if (first.detail.backend === 'wasm' || first.detail.backend === 'cpu') expect(first.detail.draw).to.equal('cpu');
    const start = tf.memory().numTensors;
    // A new latent as each face is drawn, as demo/demo.js's Animate does (scripts/soak.mjs runs 10,000 of them).
    for (let f = 1; f <= 40; f++) {
      const drawn = next(el, 'blaze-face-render');
      el.setAttribute('latent', walk(f));
      expect((await drawn).detail.draw).to.equal(first.detail.draw);
    }
    expect(tf.memory().numTensors).to.equal(start);
    // What the user sees is the last latent's face.
    const last = await faceImageData(gen, { z: Float32Array.from(walk(40).split(',').map(Number)), truncation: 1 });
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    const mid = canvas.getContext('2d')!.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
    const at = ((last.height / 2) * last.width + last.width / 2) * 4;
    for (let c = 0; c < 4; c++) expect(Math.abs(mid[c]! - last.data[at + c]!)).to.be.at.most(8);
  });
});
