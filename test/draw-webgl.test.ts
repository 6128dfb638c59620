import { expect } from '@esm-bundle/chai';
import { createGenerator, seedToZ, type FaceGenerator } from '../dist/blaze-face.js';
import { tf } from '../dist/internal.js';
import { ENGINE, hasWebGL2, requires } from './engine.js';
import { cleanup, makeFace, next, pngPixels, premultiply, throughCanvas } from './helpers.js';

// One backend per page: this page asks for webgl by name (SwiftShader here). The face goes from tfjs's texture to
// the element's canvas on the GPU; its pixels must be the CPU path's within 1/255.

/**
 * How far a GPU-drawn face may be from the CPU path's, in premultiplied 0..255. In Chromium, 1. Firefox and WebKit
 * (WebGL on Mesa's llvmpipe, copied into their 2D canvases) round about 1 % of the values 2 (WebKit) or 2-3
 * (Firefox) away, at every alpha (seen over runs here); the element's own check of its first face allows 3
 * (src/core/face-pixels.ts).
 */
const GPU_VS_CPU = ENGINE === 'chromium' ? 1 : 3;

/** Largest difference of two straight-alpha RGBA8 images once premultiplied (what a canvas stores), in 0..255. */
function maxPremultipliedDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  const [pa, pb] = [premultiply(a), premultiply(b)];
  let max = 0;
  for (let i = 0; i < pa.length; i++) max = Math.max(max, Math.abs(pa[i]! - pb[i]!));
  return max;
}

/** Counts the read-backs asked of any WebGL2 context while `fn` runs. */
async function readBacks(fn: () => Promise<unknown>): Promise<number> {
  const proto = WebGL2RenderingContext.prototype;
  const originals = { readPixels: proto.readPixels, getBufferSubData: proto.getBufferSubData };
  let n = 0;
  proto.readPixels = function (this: WebGL2RenderingContext, ...args: unknown[]) {
    n++;
    return (originals.readPixels as (...a: unknown[]) => void).apply(this, args);
  } as typeof proto.readPixels;
  proto.getBufferSubData = function (this: WebGL2RenderingContext, ...args: unknown[]) {
    n++;
    return (originals.getBufferSubData as (...a: unknown[]) => void).apply(this, args);
  } as typeof proto.getBufferSubData;
  try {
    await fn();
  } finally {
    Object.assign(proto, originals);
  }
  return n;
}

describe('<blaze-face backend="webgl">: the GPU draw path', () => {
  let cpu: FaceGenerator;
  before(async function () {
    requires(this, hasWebGL2(), 'needs WebGL2, which this browser does not offer here');
    cpu = await createGenerator({ backend: 'webgl' }); // its imageData() is the CPU path: read back, putImageData
  });
  after(() => cpu?.dispose());
  afterEach(cleanup);

  it("draws without a read-back, the CPU path's pixels within 1/255", async function () {
    this.timeout(300000);
    const el = makeFace({ seed: '42', backend: 'webgl' });
    const first = await next(el, 'blaze-face-render');
    expect(first.detail.backend).to.equal('webgl');
    expect(first.detail.draw).to.equal('webgl');
    const want = await throughCanvas(await cpu.imageData({ seed: 42 }));
    expect(maxPremultipliedDiff((await pngPixels(await el.capture())).data, want)).to.be.at.most(GPU_VS_CPU);
    // Its first face was checked against the CPU path (one read-back); later faces have none.
    let detail = first.detail;
    const n = await readBacks(async () => {
      const drawn = next(el, 'blaze-face-render');
      el.seed = 7;
      detail = (await drawn).detail;
    });
    expect(detail.draw).to.equal('webgl');
    expect(n, 'read-backs for a face').to.equal(0);
    expect(
      await readBacks(() => cpu.imageData({ seed: 7 })),
      'read-backs of the CPU path (the count sees them)',
    ).to.be.above(0);
    const seven = await throughCanvas(await cpu.imageData({ seed: 7 }));
    expect(maxPremultipliedDiff((await pngPixels(await el.capture())).data, seven)).to.be.at.most(GPU_VS_CPU);
  });

  it('holds tensors flat over 8 animate frames', async function () {
    this.timeout(300000);
    const el = makeFace({ seed: '1', backend: 'webgl' });
    await next(el, 'blaze-face-render');
    const start = tf.memory().numTensors;
    for (let f = 0; f < 8; f++) {
      const drawn = next(el, 'blaze-face-render');
      el.setAttribute('latent', Array.from(seedToZ(100 + f, 64), (v) => v.toFixed(4)).join(','));
      expect((await drawn).detail.draw).to.equal('webgl');
    }
    expect(tf.memory().numTensors).to.equal(start);
  });

  it("goes through the CPU path when tfjs's WebGL canvas has no alpha channel (a page that started tfjs first)", async function () {
    this.timeout(300000);
    const proto = WebGL2RenderingContext.prototype;
    const getContextAttributes = proto.getContextAttributes;
    proto.getContextAttributes = function (this: WebGL2RenderingContext) {
      const attrs = getContextAttributes.call(this);
      return attrs && { ...attrs, alpha: false };
    };
    try {
      const el = makeFace({ seed: '5', backend: 'webgl' });
      expect((await next(el, 'blaze-face-render')).detail.draw).to.equal('cpu');
      const want = await throughCanvas(await cpu.imageData({ seed: 5 }));
      expect(maxPremultipliedDiff((await pngPixels(await el.capture())).data, want)).to.be.at.most(1);
    } finally {
      proto.getContextAttributes = getContextAttributes;
    }
  });
});
