import { expect } from '@esm-bundle/chai';
import { seedToZ } from '../dist/blaze-face.js';
import { MAX_SEED } from '../dist/internal.js';

describe('seed -> z', () => {
  it('matches the vectors Python wrote (test/fixtures/seed-vectors.json)', async () => {
    const v = await (await fetch(new URL('./fixtures/seed-vectors.json', import.meta.url))).json();
    expect(v.cases.length).to.be.greaterThan(4);
    for (const c of v.cases) {
      const z = seedToZ(c.seed, c.zDim);
      expect(Array.from(z), `seed ${c.seed}`).to.deep.equal(c.z.map((x: number) => Math.fround(x)));
    }
  });

  it('refuses seeds outside [0, 2^32 - 1] with a message', () => {
    for (const bad of [-1, MAX_SEED + 1, 1.5, NaN]) {
      expect(() => seedToZ(bad, 4)).to.throw(RangeError, /seed must be an integer/);
    }
  });
});
