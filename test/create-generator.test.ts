import { expect } from '@esm-bundle/chai';
import { BlazeFaceElement, createGenerator, type FaceGenerator } from '../dist/blaze-face.js';
import { modelRefCounts, tf } from '../dist/internal.js';
import { cleanup, makeFace, next } from './helpers.js';

/** Mean absolute difference of two RGBA byte arrays, in 0..255. */
function mad(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a rejection, got a result');
}

describe('createGenerator (blaze-face/core)', () => {
  let gen: FaceGenerator;
  before(async () => {
    gen = await createGenerator({ style: 'toon' });
  });
  after(() => gen?.dispose());

  it('says which backend it runs on and why', () => {
    expect(gen.backend).to.be.oneOf(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(gen.backendReason).to.be.a('string').and.not.equal('');
    expect(gen.resolution).to.equal(256);
  });

  it('gives the same face for the same seed, another for another seed, and leaks no tensors', async () => {
    await gen.imageData({ seed: 1 }); // the generator keeps the last latent's w: one tensor, from the first face on
    const before = tf.memory().numTensors;
    const a = await gen.imageData({ seed: 7 });
    const b = await gen.imageData({ seed: 7 });
    const c = await gen.imageData({ seed: 8 });
    expect(tf.memory().numTensors).to.equal(before);
    expect([a.width, a.height]).to.deep.equal([256, 256]);
    expect(mad(a.data, b.data)).to.equal(0);
    expect(mad(a.data, c.data)).to.be.greaterThan(10);
    // A face on a transparent background: some pixels opaque, some clear, colours that vary.
    let opaque = 0,
      clear = 0;
    for (let i = 3; i < a.data.length; i += 4) {
      if (a.data[i]! > 250) opaque++;
      else if (a.data[i]! < 5) clear++;
    }
    const n = a.data.length / 4;
    expect(opaque / n).to.be.within(0.2, 0.95);
    expect(clear / n).to.be.within(0.02, 0.8);
  });

  it('draws the face scaled to an OffscreenCanvas', async () => {
    const canvas = new OffscreenCanvas(128, 128);
    await gen.draw(canvas, { seed: 7 });
    const drawn = canvas.getContext('2d')!.getImageData(0, 0, 128, 128).data;
    const ref = new OffscreenCanvas(128, 128);
    ref.getContext('2d')!.drawImage(await createImageBitmap(await gen.imageData({ seed: 7 })), 0, 0, 128, 128);
    expect(mad(drawn, ref.getContext('2d')!.getImageData(0, 0, 128, 128).data)).to.be.below(1);
  });

  it('takes a latent, truncation and style mixing', async () => {
    const z = Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const a = await gen.imageData({ latent: z });
    const avg = await gen.imageData({ latent: z, truncation: 0 });
    const other = await gen.imageData({ seed: 3, truncation: 0 });
    expect(mad(avg.data, other.data)).to.be.below(0.5); // truncation 0 is the average face, whatever the latent
    expect(mad(a.data, avg.data)).to.be.greaterThan(5);
    const mixed = await gen.imageData({ seed: 7, mixSeed: 8, mixLayer: 0 });
    const eight = await gen.imageData({ seed: 8 });
    expect(mad(mixed.data, eight.data)).to.be.below(0.5); // every layer's style from the mix seed
  });

  it('shares one copy of the weights with the elements and generators of its style', async () => {
    await gen.imageData({ seed: 7 }); // the kept w of the latent, as an element's face keeps it
    const before = tf.memory().numTensors;
    const again = await createGenerator({ style: 'toon' });
    try {
      await next(makeFace({ seed: '7' }), 'blaze-face-render');
      expect(tf.memory().numTensors).to.equal(before);
    } finally {
      again.dispose();
      await cleanup();
    }
    expect(tf.memory().numTensors).to.equal(before);
    expect(Object.keys(modelRefCounts())).to.have.length(0); // elements only: the generator's reference is not one
  });

  const bad: [string, object, RegExp][] = [
    ['a negative seed', { seed: -1 }, /seed: expected an integer in \[0, 4294967295\], got -1/],
    ['a latent of the wrong length', { latent: [1, 2] }, /latent: expected 64 numbers, got 2/],
    ['a latent with NaN', { latent: Array(64).fill(NaN) }, /latent: expected a finite number at index 0, got NaN/],
    // Text is the attribute's form only; in code a string would be a caller's mistake.
    [
      'a latent as text',
      { latent: Array(64).fill('1').join(',') },
      /latent: expected an array of 64 numbers, got a string/,
    ],
    ['a latent of strings', { latent: Array(64).fill('1') }, /latent: expected a finite number at index 0, got "1"/],
    [
      'a latent beyond float32',
      { latent: Array(64).fill(1e39) },
      /latent: expected a finite number at index 0, got 1e\+39/,
    ],
    ['a truncation above 1', { truncation: 2 }, /truncation: expected a number in \[0, 1\], got 2/],
    [
      'a mix layer out of range',
      { seed: 1, mixSeed: 2, mixLayer: 99 },
      /mixLayer: expected an integer in \[0, \d+\], got 99/,
    ],
  ];
  for (const [what, face, message] of bad) {
    it(`rejects ${what} with a clear message`, async () => {
      expect(await rejection(gen.imageData(face))).to.match(message);
    });
  }

  it('rejects an unknown style name or backend and a wrong asset base, saying what it expected', async () => {
    expect(await rejection(createGenerator({ style: 'tooon' }))).to.match(
      /style: expected one of toon, sketch or a model.json URL, got "tooon"/,
    );
    // the element's rule and message for its backend attribute (src/core/options.ts), under the option's name
    expect(await rejection(createGenerator({ backend: 'metal' } as object))).to.match(
      /backend: expected one of auto, webgpu, webgl, wasm, cpu, got "metal"/,
    );
    const message = await rejection(createGenerator({ style: 'toon', assetBase: '/no-such-folder/' }));
    expect(message).to.match(/no-such-folder\/models\/toon\/model.json: expected HTTP 200, got 404/);
    expect(message).to.match(/looked for under http:\/\/[^ ]+\/no-such-folder\/: .*npx blaze-face-assets/);
  });
});

describe('BlazeFaceElement.assetBase', () => {
  afterEach(async () => {
    BlazeFaceElement.assetBase = null;
    await cleanup();
  });

  it('moves where every element looks for the models; a wrong one is a model-load error that says so', async () => {
    const initial = BlazeFaceElement.assetBase;
    expect(initial).to.equal(new URL('../', import.meta.url).href); // the package folder, found from the module
    BlazeFaceElement.assetBase = '/elsewhere';
    expect(BlazeFaceElement.assetBase).to.equal(new URL('/elsewhere/', location.href).href);
    const el = makeFace({ seed: '3' });
    const e = await next(el, 'blaze-face-error');
    expect(e.detail.type).to.equal('model-load');
    expect(e.detail.message).to.match(
      /\/elsewhere\/models\/toon\/model.json: expected HTTP 200, got 404 .*blaze-face-assets/,
    );
    BlazeFaceElement.assetBase = initial;
    el.seed = 4;
    expect((await next(el, 'blaze-face-load')).detail.style).to.equal('toon');
  });
});
