import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { BUNDLED_STYLES } from '../dist/internal.js';
import { hasWebGPU, requires } from './engine.js';
import { cleanup, diffFromGolden, goldens, makeFace, next } from './helpers.js';

// One backend per page: this page asks for webgpu by name. Its adapter is SwiftShader, which `auto` would pass
// over for wasm; a backend asked for by name is honoured all the same.
describe('<blaze-face backend="webgpu">', () => {
  before(async function () {
    requires(this, await hasWebGPU(), 'needs a WebGPU adapter, which this browser does not offer here');
  });
  afterEach(cleanup);

  it('is honoured on a software adapter, and says it was asked for', async () => {
    const el = makeFace({ seed: '42', backend: 'webgpu' });
    const load = await next(el, 'blaze-face-load');
    expect(load.detail.backend).to.equal('webgpu');
    expect(load.detail.backendReason).to.equal('requested webgpu');
    expect(el.backendName).to.equal('webgpu');
  });

  it('is then what `auto` gets on this page', async () => {
    const el = makeFace({ seed: '42' });
    const load = await next(el, 'blaze-face-load');
    expect(load.detail.backend).to.equal('webgpu');
    expect(load.detail.backendReason).to.equal('requested webgpu');
  });

  for (const style of BUNDLED_STYLES)
    it(`matches the Python goldens of "${style}" (mean <= 2/255, max <= 16/255)`, async function () {
      this.timeout(600000); // several faces on software WebGPU, each compiling shaders for its shapes
      for (const c of await goldens(style)) {
        const attrs: Record<string, string> = { seed: String(c.seed), 'face-style': style, backend: 'webgpu' };
        if (c.truncation !== undefined) attrs.truncation = String(c.truncation);
        if (c.mixSeed !== undefined) attrs['mix-seed'] = String(c.mixSeed);
        if (c.mixLayer !== undefined) attrs['mix-layer'] = String(c.mixLayer);
        const el = makeFace(attrs);
        expect((await next(el, 'blaze-face-render', 120000, `${style} ${c.file}`)).detail.backend).to.equal('webgpu');
        const d = await diffFromGolden(el, c.file, style);
        expect(d.mean, `${c.file} mean`).to.be.at.most(2);
        expect(d.max, `${c.file} max`).to.be.at.most(16);
        el.remove();
      }
    });
});
