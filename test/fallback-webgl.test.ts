import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { hasWebGL, requires } from './engine.js';
import { cleanup, diffFromGolden, makeFace, next } from './helpers.js';

// This page has no WebGPU, and its WebGL renderer is made to read as a GPU's (it is SwiftShader here, which `auto`
// would rank after wasm): `auto` must fall back to WebGL and still match the goldens.
Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
const GPU_RENDERER = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)';
// Both names of the renderer: an engine without WEBGL_debug_renderer_info (Firefox) reports it as RENDERER.
const RENDERER = 0x1f01;
const UNMASKED_RENDERER_WEBGL = 0x9246;
const hadWebGL = hasWebGL(); // before the patch, which has nothing to do with whether WebGL exists
for (const gl of [WebGLRenderingContext, WebGL2RenderingContext]) {
  const getParameter = gl.prototype.getParameter;
  gl.prototype.getParameter = function (this: WebGLRenderingContext, p: number) {
    return p === UNMASKED_RENDERER_WEBGL || p === RENDERER ? GPU_RENDERER : getParameter.call(this, p);
  };
}

describe('<blaze-face> without WebGPU, on a WebGL GPU', () => {
  before(function () {
    requires(this, hadWebGL, 'needs WebGL, which this browser does not offer here');
  });
  afterEach(cleanup);

  it('falls back to webgl, says why, and matches the goldens', async () => {
    const el = makeFace({ seed: '42' });
    const load = await next(el, 'blaze-face-load');
    expect(load.detail.backend).to.equal('webgl');
    expect(load.detail.backendReason).to.equal(
      `auto: no WebGPU; WebGL renderer is a GPU (${GPU_RENDERER}); chose webgl`,
    );
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
