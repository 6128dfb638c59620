import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { tf, modelRefCounts, BUNDLED_STYLES } from '../dist/internal.js';
import { probeWebGL, probeWebGPU } from '../src/core/backend-probe.js';
import {
  cleanup,
  diffFromGolden,
  diffStats,
  goldens,
  makeFace,
  resampled,
  next,
  pngPixels,
  waitFor,
  within,
} from './helpers.js';

async function shown(el: HTMLElement & { capture(): Promise<Blob> }) {
  return pngPixels(await el.capture());
}

/** Waits until no element holds a model (a removed one lets go after DEFAULTS.releaseDelayMs). */
function released() {
  return waitFor(() => Object.keys(modelRefCounts()).length === 0, 'the removed element to free its model', {
    ms: 30000,
    now: modelRefCounts,
  });
}

/**
 * What `auto` should choose in this browser and the reason it should give, from the same probes
 * (src/core/backend.ts): the browser of web-test-runner.config.mjs runs WebGPU and WebGL on SwiftShader, which gives
 * wasm, but a browser on a real GPU must get that GPU.
 */
async function autoChoice(): Promise<{ name: string; reason: string }> {
  const gpu = await probeWebGPU();
  if (gpu.kind === 'hardware') return { name: 'webgpu', reason: `auto: ${gpu.detail}; chose webgpu` };
  const gl = probeWebGL();
  const name = gl.kind === 'hardware' ? 'webgl' : 'wasm';
  return { name, reason: `auto: ${gpu.detail}; ${gl.detail}; chose ${name}` };
}

// test/backend-webgpu.test.ts and test/fallback-webgl.test.ts cover the GPU backends by forcing them.
describe('<blaze-face> on the default backend', () => {
  // The page's backend is chosen before any test reads tf.memory(), which has no backend to ask until then.
  before(async () => {
    await next(makeFace(), 'blaze-face-render');
    await cleanup();
  });
  afterEach(cleanup);

  it('loads, draws a face and reports it', async () => {
    const el = makeFace({ seed: '42' });
    const progress: number[] = [];
    el.addEventListener('blaze-face-progress', (e) => progress.push(e.detail.fraction));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=placeholder]'), 'placeholder while loading').to.not.equal(null);
    const load = await next(el, 'blaze-face-load');
    expect(progress[progress.length - 1]).to.equal(1);
    expect(load.detail.style).to.equal('toon');
    expect(load.detail.resolution).to.equal(256);
    const auto = await autoChoice();
    expect(load.detail.backend).to.equal(auto.name);
    expect(load.detail.backendReason).to.equal(auto.reason);
    expect(load.detail.loadMs).to.be.greaterThan(0);
    expect(el.backendName).to.equal(auto.name);
    const px = await shown(el);
    expect([px.width, px.height]).to.deep.equal([256, 256]);
    // a face: opaque in the middle, transparent in a corner
    expect(px.data[(128 * 256 + 128) * 4 + 3]).to.be.greaterThan(200);
    expect(px.data[3]).to.be.lessThan(40);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=placeholder]')).to.equal(null);
    // what the user sees: the visible canvas holds the face too, scaled to the element's size
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    expect(canvas.width).to.equal(Math.round(canvas.clientWidth * devicePixelRatio));
    const mid = canvas.getContext('2d')!.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
    expect(mid[3]).to.be.greaterThan(200);
  });

  for (const style of BUNDLED_STYLES)
    it(`matches the Python goldens of "${style}" (mean <= 2/255, max <= 16/255)`, async () => {
      for (const c of await goldens(style)) {
        const attrs: Record<string, string> = { seed: String(c.seed), 'face-style': style };
        if (c.truncation !== undefined) attrs.truncation = String(c.truncation);
        if (c.mixSeed !== undefined) attrs['mix-seed'] = String(c.mixSeed);
        if (c.mixLayer !== undefined) attrs['mix-layer'] = String(c.mixLayer);
        const el = makeFace(attrs);
        await next(el, 'blaze-face-render');
        const d = await diffFromGolden(el, c.file, style);
        expect(d.mean, `${c.file} mean`).to.be.at.most(2);
        expect(d.max, `${c.file} max`).to.be.at.most(16);
        el.remove();
      }
    });

  it('gives identical pixels for the same seed and different ones for another', async () => {
    const a = makeFace({ seed: '5' });
    const b = makeFace({ seed: '5' });
    const c = makeFace({ seed: '6' });
    await Promise.all([next(a, 'blaze-face-render'), next(b, 'blaze-face-render'), next(c, 'blaze-face-render')]);
    const [pa, pb, pc] = await Promise.all([shown(a), shown(b), shown(c)]);
    expect(diffStats(pa.data, pb.data).max).to.equal(0);
    expect(diffStats(pa.data, pc.data).mean).to.be.greaterThan(1);
  });

  it('takes a latent, which wins over the seed', async () => {
    const el = makeFace({ seed: '5' });
    await next(el, 'blaze-face-render');
    const before = await shown(el);
    const z = Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7).toFixed(3)).join(',');
    el.setAttribute('latent', z);
    await next(el, 'blaze-face-render');
    expect(diffStats(before.data, (await shown(el)).data).mean).to.be.greaterThan(1);
    el.seed = 9; // ignored while a latent is set
    await next(el, 'blaze-face-render');
    const withLatent = await shown(el);
    el.removeAttribute('latent');
    await next(el, 'blaze-face-render');
    expect(diffStats(withLatent.data, (await shown(el)).data).mean).to.be.greaterThan(1);
  });

  const bad: [string, string, RegExp][] = [
    ['latent', '1,2,3', /latent: expected 64 comma-separated numbers, got 3/],
    [
      'latent',
      Array(64)
        .fill('0')
        .map((v, i) => (i === 10 ? 'NaN' : v))
        .join(','),
      /index 10, got "NaN"/,
    ],
    ['truncation', '-0.5', /truncation: expected a number in \[0, 1\], got -0.5/],
    ['truncation', 'abc', /truncation: expected a number in \[0, 1\], got NaN/],
    ['seed', '-3', /seed: expected an integer/],
    ['mix-layer', '99', /mix-layer: expected an integer in \[0, 11\], got 99/],
    [
      'face-style',
      'no-such-style',
      /face-style: expected one of toon, sketch or a model.json URL, got "no-such-style"/,
    ],
    ['backend', 'metal', /backend: expected one of auto, webgpu, webgl, wasm, cpu, got "metal"/],
    ['loading', 'soon', /loading: expected "eager" or "lazy", got "soon"/],
    ['skin-tone', 'skin', /skin-tone: expected a CSS colour such as sienna or #a0522d, got "skin"/],
    ['face-width', '1.5', /face-width: expected a number in \[0, 1\], got 1.5/],
  ];
  for (const [name, value, message] of bad) {
    it(`reports ${name}="${value.slice(0, 20)}" and keeps the last face`, async () => {
      const el = makeFace({ seed: '11', 'mix-seed': '3' });
      await next(el, 'blaze-face-render');
      const before = await shown(el);
      const err = next(el, 'blaze-face-error');
      el.setAttribute(name, value);
      const e = await err;
      expect(e.detail.type).to.equal('invalid-attribute');
      expect(e.detail.message).to.match(message);
      expect(e.bubbles && e.composed).to.equal(true);
      expect(diffStats(before.data, (await shown(el)).data).max).to.equal(0);
    });
  }

  it('reports a model URL that 404s as model-load and keeps the face', async () => {
    const el = makeFace({ seed: '11' });
    await next(el, 'blaze-face-render');
    const before = await shown(el);
    const err = next(el, 'blaze-face-error');
    el.setAttribute('face-style', '/no/such/model.json');
    const e = await err;
    expect(e.detail.type).to.equal('model-load');
    expect(e.detail.message).to.match(/expected HTTP 200, got 404/);
    expect(diffStats(before.data, (await shown(el)).data).max).to.equal(0);
    // and it recovers when given a good style again, without reloading the model it kept
    el.setAttribute('face-style', 'toon');
    el.seed = 12;
    await next(el, 'blaze-face-render');
  });

  it('in camera mode, a model that fails to load turns the camera off with an error instead of waiting', async () => {
    let cameraOpened = false;
    const getUserMedia = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = (c) => {
      cameraOpened = true;
      return getUserMedia.call(navigator.mediaDevices, c);
    };
    try {
      const el = makeFace({ camera: '', 'face-style': '/no/such/model.json' });
      const errors: { type: string; message: string }[] = [];
      // The face reports the failed load, and so does the camera, which waited on the same load.
      const cameraError = new Promise<void>((resolve) =>
        el.addEventListener('blaze-face-error', (e) => {
          errors.push(e.detail);
          if (e.detail.message.startsWith('camera:')) resolve();
        }),
      );
      await within(cameraError, 60000, 'the camera to report the failed model load');
      expect(errors.map((e) => e.type)).to.deep.equal(['model-load', 'model-load']);
      for (const e of errors) expect(e.message).to.match(/expected HTTP 200, got 404/);
      expect(cameraOpened, 'the camera is not opened without a model').to.equal(false);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part=camera]')).to.equal(null);
    } finally {
      navigator.mediaDevices.getUserMedia = getUserMedia;
    }
  });

  it('leaks no tensor over 20 generations, and frees the model on removal', async () => {
    const start = tf.memory().numTensors;
    const el = makeFace({ seed: '0' });
    await next(el, 'blaze-face-render');
    const loaded = tf.memory().numTensors;
    expect(loaded).to.be.greaterThan(start); // the weights
    for (let i = 1; i <= 20; i++) {
      // a leak grows with every generation; 20 of 256 px fit the test timeout
      const r = next(el, 'blaze-face-render');
      el.seed = i;
      await r;
    }
    expect(tf.memory().numTensors).to.equal(loaded);
    el.remove();
    await released();
    expect(tf.memory().numTensors).to.equal(start);
    expect(Object.keys(modelRefCounts())).to.have.length(0);
  });

  it('switches between the bundled styles, holding only the model it shows', async () => {
    const start = tf.memory().numTensors;
    const el = makeFace({ seed: '3' });
    await next(el, 'blaze-face-render');
    const toon = await shown(el);
    const loaded = next(el, 'blaze-face-load');
    el.setAttribute('face-style', 'sketch');
    expect((await loaded).detail.style).to.equal('sketch');
    const sketch = await shown(el);
    const n = Math.min(toon.width, sketch.width); // a style may ship at another size
    const d = diffStats(resampled(toon, n), resampled(sketch, n));
    console.log(`seed 3, toon vs sketch: mean |diff| ${d.mean.toFixed(1)}`);
    expect(d.mean).to.be.above(10);
    const styles = () => Object.keys(modelRefCounts()).map((u) => u.split('/').slice(-2)[0]);
    await waitFor(() => styles().join() === 'sketch', 'toon to be released, leaving sketch', { now: modelRefCounts });
    expect(styles()).to.deep.equal(['sketch']);
    // toon's weights were freed: what remains is what sketch alone holds (styles may differ in architecture)
    const afterSwitch = tf.memory().numTensors - start;
    el.remove();
    await released();
    expect(tf.memory().numTensors).to.equal(start);
    const alone = makeFace({ seed: '3', 'face-style': 'sketch' });
    await next(alone, 'blaze-face-render');
    expect(afterSwitch).to.equal(tf.memory().numTensors - start);
  });

  it('shares one copy of the model between elements', async () => {
    const start = tf.memory().numTensors;
    const a = makeFace({ seed: '1' });
    await next(a, 'blaze-face-render');
    const one = tf.memory().numTensors - start;
    const b = makeFace({ seed: '2' });
    await next(b, 'blaze-face-render');
    expect(tf.memory().numTensors - start).to.equal(one);
    expect(Object.values(modelRefCounts())).to.deep.equal([2]);
    a.remove();
    await waitFor(() => Object.values(modelRefCounts()).join() === '1', 'the removed element to let go of the model', {
      ms: 30000,
      now: modelRefCounts,
    });
    expect(Object.values(modelRefCounts())).to.deep.equal([1]);
    expect(tf.memory().numTensors - start).to.equal(one); // b still uses it
  });

  it('lets the latest change win', async () => {
    const el = makeFace({ seed: '1' });
    const renders: number[] = [];
    el.addEventListener('blaze-face-render', () => renders.push(el.seed));
    await next(el, 'blaze-face-load');
    el.seed = 2;
    el.seed = 3;
    await new Promise((r) => requestAnimationFrame(r));
    el.seed = 4;
    await next(el, 'blaze-face-render');
    const last = makeFace({ seed: '4' });
    await next(last, 'blaze-face-render');
    // By now a stale request of el, had one survived, would have rendered too: the page's one backend runs in order.
    expect(renders[renders.length - 1]).to.equal(4);
    expect(diffStats((await shown(el)).data, (await shown(last)).data).max).to.equal(0);
  });

  it('fires blaze-face-render only for the face it shows, never for one a newer seed replaced', async () => {
    const ref = makeFace({ seed: '3' });
    await next(ref, 'blaze-face-render');
    const el = makeFace({ seed: '1' });
    await next(el, 'blaze-face-render');
    // At each render event: the seed asked for then, and a snapshot of the face drawn then.
    const renders: { seed: number; png: Promise<Blob> }[] = [];
    el.addEventListener('blaze-face-render', () => renders.push({ seed: el.seed, png: el.capture() }));
    el.seed = 2;
    // One task later the face of seed 2 is being generated (on a backend that computes synchronously, it is drawn).
    await new Promise((r) => setTimeout(r, 0));
    el.seed = 3;
    await next(el, 'blaze-face-render');
    const forThree = renders.filter((r) => r.seed === 3);
    expect(forThree).to.have.length(1);
    expect(
      diffStats((await pngPixels(await forThree[0]!.png)).data, (await shown(ref)).data).max,
      'the face drawn when the render for seed 3 fired',
    ).to.equal(0);
  });

  it('captures a PNG with alpha, and refuses before the first face', async () => {
    const el = makeFace({ seed: '3', loading: 'lazy', style: 'position:absolute; top: 5000px' });
    let refused = '';
    await el.capture().catch((e: Error) => (refused = e.message));
    expect(refused).to.match(/expected a drawn face/);
    el.style.top = '0';
    await next(el, 'blaze-face-render');
    const blob = await el.capture();
    expect(blob.type).to.equal('image/png');
  });

  it('randomize() shows a new face', async () => {
    const el = makeFace({ seed: '3' });
    await next(el, 'blaze-face-render');
    const before = await shown(el);
    el.randomize();
    await next(el, 'blaze-face-render');
    expect(el.seed).to.not.equal(3);
    expect(diffStats(before.data, (await shown(el)).data).mean).to.be.greaterThan(1);
  });
});
