import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { loadModel, validateManifest } from '../dist/internal.js';
import { cleanup, modelGoldenDiffs } from './helpers.js';

// Made by `npm run build:stylegan2-style` (the first step of test:web): a random StyleGAN2 checkpoint in rosinality's
// layout, rendered by the StyleGAN2 teacher, distilled into the tiny student for a few steps and exported
// (training/from_stylegan2.py --test-fixture). The path from a .pt to a style the element can load.
const MODEL = new URL('../build/stylegan2-style/model/model.json', import.meta.url);

async function manifest() {
  const res = await fetch(MODEL);
  if (!res.ok) throw new Error(`${MODEL}: expected HTTP 200, got ${res.status}; run npm run build:stylegan2-style`);
  return res.json();
}

describe('a style made from a StyleGAN2 checkpoint', () => {
  afterEach(cleanup);

  it('passes the format validation and loads', async () => {
    const m = validateManifest(await manifest());
    expect(m.name).to.equal('stylegan2-random64');
    expect(m.resolution).to.equal(32);
    expect(m.canonical).to.deep.equal({ leftEye: [12, 15.2], rightEye: [20, 15.2], mouth: [16, 23.2] });
    const loaded = await loadModel(MODEL.href);
    expect(loaded.weights.size).to.equal(m.tensors.length);
    for (const [, t] of loaded.weights) expect(t.data.every(Number.isFinite)).to.equal(true);
  });

  it('matches its Python goldens in the element (mean <= 2/255, max <= 16/255)', async () => {
    const diffs = await modelGoldenDiffs(MODEL);
    expect(diffs.length).to.be.greaterThan(2);
    for (const d of diffs) {
      expect([d.width, d.height], `${d.file} size (backend ${d.backend})`).to.deep.equal([32, 32]);
      expect(d.mean, `${d.file} mean`).to.be.at.most(2);
      expect(d.max, `${d.file} max`).to.be.at.most(16);
    }
  });
});
