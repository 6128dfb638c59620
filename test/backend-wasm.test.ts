import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { cleanup, diffFromGolden, makeFace, next } from './helpers.js';

describe('<blaze-face backend="wasm">', () => {
  afterEach(cleanup);

  it('loads the wasm binaries shipped in dist/wasm and matches the goldens', async () => {
    const el = makeFace({ seed: '2024', backend: 'wasm' });
    const load = await next(el, 'blaze-face-load');
    expect(load.detail.backend).to.equal('wasm');
    const d = await diffFromGolden(el, 'goldens/seed-2024.rgba');
    expect(d.mean).to.be.at.most(2);
    expect(d.max).to.be.at.most(16);
  });
});
