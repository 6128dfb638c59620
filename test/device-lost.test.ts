// A lost WebGPU device under the generator (issue 30): the page's backend is rebuilt on a new device, the models
// move to it, and the element says so with warnings and goes on making faces. The device is lost with destroy(),
// as a test can: the product treats any loss it did not cause itself alike. In the default group, whose Chromium has
// a fake camera; the camera shows a real photo (camera-helpers.ts, photoCamera).
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { tf } from '../dist/internal.js';
import type { BlazeFaceElement, BlazeFaceWarningDetail } from '../dist/blaze-face.js';
import { ENGINE, hasWebGPU, requires } from './engine.js';
import { cleanup, diffFromGolden, makeFace, next, pngPixels, waitFor } from './helpers.js';
import { boxCore, photoCamera, recordStreams, trackWhere } from './camera-helpers.js';

const cameras = recordStreams();
const timers: ReturnType<typeof setInterval>[] = [];

/** The GPU device under the page's tfjs backend (webgpu). */
const device = () => (tf.backend() as unknown as { device: GPUDevice }).device;

/** Every warning and error `el` sends from now on, by type. */
function watch(el: HTMLElement) {
  const warnings: string[] = [];
  const errors: string[] = [];
  el.addEventListener('blaze-face-warning', (e) => warnings.push(e.detail.type));
  el.addEventListener('blaze-face-error', (e) => errors.push(`${e.detail.type}: ${e.detail.message}`));
  return { warnings, errors };
}

/** The next warning of this type, with the time it came. */
function warning(el: HTMLElement, type: BlazeFaceWarningDetail['type'], ms = 60000) {
  return new Promise<{ detail: BlazeFaceWarningDetail; at: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} warning within ${ms} ms`)), ms);
    const on = (e: GlobalEventHandlersEventMap['blaze-face-warning']) => {
      if (e.detail.type !== type) return;
      clearTimeout(timer);
      el.removeEventListener('blaze-face-warning', on);
      resolve({ detail: e.detail, at: performance.now() });
    };
    el.addEventListener('blaze-face-warning', on);
  });
}

describe(`a lost WebGPU device in ${ENGINE}`, function () {
  this.timeout(300000);
  before(async function () {
    requires(this, await hasWebGPU(), 'needs a WebGPU adapter, which this browser does not offer here');
  });
  afterEach(async () => {
    await cleanup();
    await waitFor(cameras.allEnded, 'every camera stream of the test to stop', { now: cameras.trackStates });
    cameras.streams.length = 0;
    cameras.source = cameras.browserCamera;
    timers.splice(0).forEach(clearInterval);
  });

  it('is a warning: the face is made again on a new device, and new faces follow, with as many tensors', async () => {
    // One backend per page: this first element makes it webgpu (on SwiftShader here, honoured when asked for).
    const el: BlazeFaceElement = makeFace({ seed: '42', backend: 'webgpu' });
    const load = await next(el, 'blaze-face-load', 120000);
    expect(load.detail.backend).to.equal('webgpu');
    const tensors = tf.memory().numTensors;
    const { warnings, errors } = watch(el);
    const dead = device();
    const lost = warning(el, 'gpu-device-lost');
    const restored = warning(el, 'gpu-device-restored');
    const redrawn = next(el, 'blaze-face-render', 60000, 'the face made again on the new device');
    const t0 = performance.now();
    dead.destroy();
    expect((await lost).detail.message).to.match(/^the GPU device was lost \(destroyed/);
    const back = await restored;
    expect(back.detail.message).to.match(/the generator runs again on webgpu$/);
    const again = await redrawn;
    const faceMs = performance.now() - t0;
    console.log(
      `${ENGINE}: restored ${(back.at - t0).toFixed(0)} ms after destroy(), the face drawn again after ` +
        `${faceMs.toFixed(0)} ms (the first face took ${load.detail.loadMs.toFixed(0)} ms)`,
    );
    expect(again.detail.backend).to.equal('webgpu');
    expect(device()).to.not.equal(dead);
    expect(tf.memory().numTensors, 'tensors once the face is made again').to.equal(tensors);
    expect((await diffFromGolden(el, 'goldens/seed-42.rgba')).max, 'the face made again').to.be.at.most(16);

    // A new face on the new device: the Python golden's pixels, and still no tensor more.
    el.seed = 7;
    await next(el, 'blaze-face-render', 60000, 'seed 7 on the new device');
    const d = await diffFromGolden(el, 'goldens/seed-7.rgba');
    expect(d.mean, 'seed 7 mean').to.be.at.most(2);
    expect(d.max, 'seed 7 max').to.be.at.most(16);
    expect(tf.memory().numTensors, 'tensors after a new face').to.equal(tensors);
    expect(warnings).to.deep.equal(['gpu-device-lost', 'gpu-device-restored']);
    expect(errors).to.deep.equal([]);
  });

  it('in camera mode: the lens runs on through the loss, and a new face is overlaid once restored', async () => {
    cameras.source = () => photoCamera(timers);
    const light = '#fedac7',
      dark = '#5c3937'; // the ends of toon's skin-tone ramp
    const el: BlazeFaceElement = makeFace({
      camera: '',
      seed: '5',
      mirror: 'false',
      backend: 'webgpu',
      'skin-tone': light,
      'blend-lighting': '0',
    });
    await next(el, 'blaze-face-load', 120000);
    await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid, 180000);
    const lightLuma = await faceLuma(el);
    const { warnings, errors } = watch(el);
    // Every track report from the loss on: the lens runs on with the face it has.
    const reports: boolean[] = [];
    const onTrack = (e: GlobalEventHandlersEventMap['blaze-face-track']) =>
      reports.push(e.detail.faces.length === 1 && e.detail.faces[0]!.overlaid);
    el.addEventListener('blaze-face-track', onTrack);
    const lost = warning(el, 'gpu-device-lost');
    const restored = warning(el, 'gpu-device-restored');
    const t0 = performance.now();
    device().destroy();
    await lost;
    // Asked for while the device is down: it can only be made on the new one.
    el.setAttribute('skin-tone', dark);
    const back = (await restored).at;
    let darkLuma = lightLuma;
    while (darkLuma > lightLuma - 40) {
      expect(performance.now() - back, 'time for the new face after the restore').to.be.below(120000);
      darkLuma = await faceLuma(el);
    }
    const ms = performance.now() - back;
    el.removeEventListener('blaze-face-track', onTrack);
    console.log(
      `${ENGINE}: restored ${(back - t0).toFixed(0)} ms after destroy(); the new face overlaid within ` +
        `${ms.toFixed(0)} ms of the restore (face luma ${lightLuma.toFixed(0)} -> ${darkLuma.toFixed(0)}); ` +
        `${reports.length} track reports meanwhile, ${reports.filter((r) => !r).length} without the overlaid face`,
    );
    expect(reports.length, 'track reports through the loss').to.be.above(5);
    expect(
      reports.every((r) => r),
      'the lens drawn in every report through the loss',
    ).to.equal(true);
    expect(warnings).to.deep.equal(['gpu-device-lost', 'gpu-device-restored']);
    expect(errors).to.deep.equal([]);
  });

  // Last: the page's backend is no longer webgpu after it.
  it('falls back to the next backend in line when no new device can be had, and draws there', async () => {
    const el: BlazeFaceElement = makeFace({ seed: '42', backend: 'webgpu' });
    await next(el, 'blaze-face-load', 120000);
    const { warnings, errors } = watch(el);
    const gpu = (navigator as Navigator & { gpu: GPU }).gpu;
    gpu.requestAdapter = async () => null; // an own property over the prototype's method, deleted below
    try {
      const restored = warning(el, 'gpu-device-restored');
      const redrawn = next(el, 'blaze-face-render', 60000, 'the face made again on the fallback backend');
      device().destroy();
      const back = await restored;
      // auto's order without WebGPU: a hardware WebGL, else wasm (this machine's WebGL is software).
      const name = /the generator runs again on (\w+)$/.exec(back.detail.message)?.[1];
      expect(name, back.detail.message).to.be.oneOf(['webgl', 'wasm', 'cpu']);
      console.log(`${ENGINE}: with no new WebGPU device the generator went on on ${name}`);
      expect((await redrawn).detail.backend).to.equal(name);
      expect(el.backendName).to.equal(name);
      const d = await diffFromGolden(el, 'goldens/seed-42.rgba');
      expect(d.mean, 'mean').to.be.at.most(2);
      expect(d.max, 'max').to.be.at.most(16);
      const tensors = tf.memory().numTensors;
      el.seed = 7;
      await next(el, 'blaze-face-render', 60000, 'seed 7 on the fallback backend');
      expect(tf.memory().numTensors, 'tensors after a new face').to.equal(tensors);
      expect(warnings).to.deep.equal(['gpu-device-lost', 'gpu-device-restored']);
      expect(errors).to.deep.equal([]);
    } finally {
      delete (gpu as Partial<GPU>).requestAdapter;
    }
  });
});

/** Mean luma of the core of the tracked face in the composited view (the overlay, where one is drawn). */
async function faceLuma(el: BlazeFaceElement): Promise<number> {
  const t = await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid, 30000);
  const px = await pngPixels(await el.capture());
  const inside = boxCore(t.faces[0]!.box, 0.3);
  let sum = 0,
    n = 0;
  for (let y = 0; y < px.height; y++)
    for (let x = 0; x < px.width; x++) {
      if (!inside(x, y)) continue;
      const i = 4 * (y * px.width + x);
      sum += 0.299 * px.data[i]! + 0.587 * px.data[i + 1]! + 0.114 * px.data[i + 2]!;
      n++;
    }
  return sum / n;
}
