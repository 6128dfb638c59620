import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { loadModel, validateManifest } from '../dist/internal.js';
import { cleanup, diffStats, makeFace, next, pngPixels, premultiply } from './helpers.js';

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
    const gold = await (await fetch(new URL('goldens/goldens.json', MODEL))).json();
    expect(gold.cases.length).to.be.greaterThan(2);
    for (const c of gold.cases as {
      seed: number;
      truncation?: number;
      mixSeed?: number;
      mixLayer?: number;
      file: string;
    }[]) {
      const attrs: Record<string, string> = { seed: String(c.seed), 'face-style': MODEL.href };
      if (c.truncation !== undefined) attrs.truncation = String(c.truncation);
      if (c.mixSeed !== undefined) attrs['mix-seed'] = String(c.mixSeed);
      if (c.mixLayer !== undefined) attrs['mix-layer'] = String(c.mixLayer);
      const el = makeFace(attrs);
      const render = await next(el, 'blaze-face-render');
      const px = await pngPixels(await el.capture());
      expect([px.width, px.height], `${c.file} size (backend ${render.detail.backend})`).to.deep.equal([32, 32]);
      const want = new Uint8Array(await (await fetch(new URL(c.file, MODEL))).arrayBuffer());
      const d = diffStats(premultiply(px.data), want);
      expect(d.mean, `${c.file} mean`).to.be.at.most(2);
      expect(d.max, `${c.file} max`).to.be.at.most(16);
      el.remove();
    }
  });
});
