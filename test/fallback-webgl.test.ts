import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { cleanup, diffFromGolden, makeFace, next } from './helpers.js';

// This page has no WebGPU: `auto` must fall back to WebGL and still match the goldens.
Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });

describe('<blaze-face> without WebGPU', () => {
  afterEach(cleanup);

  it('falls back to webgl and matches the goldens', async () => {
    const el = makeFace({ seed: '42' });
    const load = await next(el, 'blaze-face-load');
    expect(load.detail.backend).to.equal('webgl');
    const d = await diffFromGolden(el, 'goldens/seed-42.rgba');
    expect(d.mean).to.be.at.most(2);
    expect(d.max).to.be.at.most(16);
  });

  it('refuses an explicit webgpu request with backend-unavailable, keeping the face', async () => {
    const el = makeFace({ seed: '42' });
    await next(el, 'blaze-face-render');
    const err = next(el, 'blaze-face-error');
    el.backend = 'webgpu';
    const e = await err;
    expect(e.detail.type).to.equal('backend-unavailable');
    expect(e.detail.message).to.match(/expected "webgl" \(the page's backend, chosen first\) or "auto", got "webgpu"/);
  });
});
