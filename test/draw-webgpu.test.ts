import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { drawPath } from '../dist/internal.js';
import { hasWebGPU, requires } from './engine.js';
import { cleanup, makeFace, next } from './helpers.js';

// One backend per page: webgpu by name, on SwiftShader here. In this browser the first getCurrentTexture() of any
// WebGPU canvas breaks every later buffer map in the page, so on a software adapter the face must go through the
// CPU path and no WebGPU canvas context may even be made.
describe('<blaze-face backend="webgpu"> on a software adapter', () => {
  before(async function () {
    requires(this, await hasWebGPU(), 'needs a WebGPU adapter, which this browser does not offer here');
  });
  afterEach(cleanup);

  it('draws through the CPU path and never makes a WebGPU canvas context', async function () {
    this.timeout(300000);
    const asked: string[] = [];
    const spy = <T extends { getContext: (...a: never[]) => unknown }>(proto: T) => {
      const getContext = proto.getContext;
      proto.getContext = function (this: T, ...args: never[]) {
        asked.push(String(args[0]));
        return getContext.apply(this, args);
      } as T['getContext'];
      return () => (proto.getContext = getContext);
    };
    const restore = [spy(HTMLCanvasElement.prototype), spy(OffscreenCanvas.prototype)];
    try {
      const el = makeFace({ seed: '42', backend: 'webgpu' });
      const first = await next(el, 'blaze-face-render', 120000);
      expect(first.detail.backend).to.equal('webgpu');
      expect(first.detail.draw).to.equal('cpu');
      expect(drawPath()).to.equal('cpu');
      expect(asked).to.not.include('webgpu');
    } finally {
      restore.forEach((r) => r());
    }
  });
});
