import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { validateManifest } from '../dist/internal.js';
import { cleanup, modelGoldenDiffs } from './helpers.js';

// Made by `npm run build:zsteps-style` (a step of test:web): an untrained tiny generator whose mapping reads toon's
// z steps (architecture.zSteps, docs/model-format.md), exported with Python's goldens (training/export.py --random).
const MODEL = new URL('../build/zsteps-style/model.json', import.meta.url);

async function manifest() {
  const res = await fetch(MODEL);
  if (!res.ok) throw new Error(`${MODEL}: expected HTTP 200, got ${res.status}; run npm run build:zsteps-style`);
  return res.json();
}

describe('a model whose mapping reads z steps', () => {
  afterEach(cleanup);

  it('passes the format validation with its steps', async () => {
    const m = validateManifest(await manifest());
    expect(m.architecture.zSteps!.steps.length).to.equal(62);
    expect(m.tensors.find((t) => t.name === 'mapping.0.weight')!.shape).to.deep.equal([32 + 62, 32]);
  });

  it('says what a bad step is', async () => {
    const m = await manifest();
    m.architecture.zSteps.steps[3] = [40, 0.1];
    expect(() => validateManifest(m)).to.throw(
      /architecture\.zSteps step: expected \[z index in 0\.\.31, a finite threshold\], got \[40,0\.1\]/,
    );
    m.architecture.zSteps = { width: 0, steps: [] };
    expect(() => validateManifest(m)).to.throw(/architecture\.zSteps\.width: expected a positive number, got 0/);
  });

  it('matches its Python goldens in the element (mean <= 2/255, max <= 16/255)', async () => {
    const diffs = await modelGoldenDiffs(MODEL);
    expect(diffs.length).to.be.greaterThan(2);
    for (const d of diffs) {
      expect(d.mean, `${d.file} mean (backend ${d.backend})`).to.be.at.most(2);
      expect(d.max, `${d.file} max (backend ${d.backend})`).to.be.at.most(16);
    }
  });
});
