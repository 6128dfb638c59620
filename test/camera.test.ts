// Camera mode, with Chromium's fake camera playing the one-face clip: a real photo (face-api's
// sample3.jpg) whose face slides left and right. Runs in the `camera` group of web-test-runner.config.mjs.
import { foreignRequests, requested } from './request-log.js';
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { tf } from '../dist/internal.js';
import type { BlazeFaceElement } from '../dist/blaze-face.js';
import { cleanup, makeFace, next, pngPixels, waitFor } from './helpers.js';
import {
  bareAndBlended,
  bestShift,
  meanDiff,
  overlayContrast,
  playableClip,
  recordStreams,
  sleep,
  trackWhere,
  tracks,
  type Track,
} from './camera-helpers.js';

const { streams, allEnded, trackStates } = recordStreams();

/** Camera on and a face tracked whose generated face has had time to arrive. */
async function tracking(attrs: Record<string, string> = {}): Promise<{ el: BlazeFaceElement; track: Track }> {
  const el = makeFace({ camera: '', seed: '5', ...attrs });
  await next(el, 'blaze-face-load', 120000);
  const track = await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid);
  return { el, track };
}

describe('<blaze-face camera>', function () {
  // Every test first waits for a model load (up to 120 s) and a tracked face (up to 90 s): the test's own limit is
  // above its longest wait, so that a hang is reported by the wait, saying what it waited for.
  this.timeout(300000);
  afterEach(async () => {
    await cleanup();
    // A camera still opening when its element went is stopped as it arrives: wait for that before forgetting it.
    await waitFor(allEnded, 'every camera stream of the test to stop', { now: trackStates });
    streams.length = 0;
  });

  it('finds the face and blends a generated face over it, and only there', async () => {
    const { el, track } = await tracking({ mirror: 'false' });
    const box = track.faces[0]!.box;
    expect(box.width).to.be.within(150, 450); // the clip's face is ~320 px wide
    // The same moment without and with the overlay: opacity 0 shows the bare video.
    const { width, height, dx, inside, outside, bareFar } = await overlayContrast(el, box);
    expect([width, height]).to.deep.equal([640, 480]);
    console.log(
      `camera overlay: mean |diff| inside the face ${inside.toFixed(1)}, far outside ${outside.toFixed(1)} (clip moved ${dx} px between captures)`,
    );
    expect(inside).to.be.above(20);
    expect(outside).to.be.below(inside / 4);
    // The bare frame is the camera picture, not an empty canvas.
    expect(bareFar).to.be.above(20);
  });

  it('mirrors the view by default, with boxes still in video pixels', async () => {
    const { el } = await tracking({ 'blend-opacity': '0' });
    const mirroredShot = el.capture();
    el.setAttribute('mirror', 'false');
    await el.updateComplete;
    const plain = await pngPixels(await el.capture());
    const mirrored = await pngPixels(await mirroredShot);
    const { width: w, height: h } = plain;
    // Flip the mirrored capture back: it matches the plain one (up to the clip's motion between captures).
    const flipped = new Uint8ClampedArray(mirrored.data.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        flipped.set(mirrored.data.subarray(4 * (y * w + x), 4 * (y * w + x) + 4), 4 * (y * w + (w - 1 - x)));
    const all = () => true;
    const dx = bestShift(flipped, plain.data, w, h, all);
    expect(meanDiff(flipped, plain.data, w, h, all, dx)).to.be.below(
      meanDiff(mirrored.data, plain.data, w, h, all) / 2,
    );
  });

  it('follows the face as it moves, keeping its identity', async () => {
    const { el } = await tracking();
    const seen = await tracks(el, 60);
    const withFace = seen.filter((t) => t.faces.length === 1);
    expect(withFace.length).to.be.above(50);
    const xs = withFace.map((t) => t.faces[0]!.box.x);
    const span = Math.max(...xs) - Math.min(...xs);
    console.log(
      `camera tracking: box x spans ${span.toFixed(0)} px over ${withFace.length} frames; ids ${[...new Set(withFace.map((t) => t.faces[0]!.id))]}`,
    );
    expect(span).to.be.above(25); // the clip moves the face ~68 px and back
    expect(new Set(withFace.map((t) => t.faces[0]!.id)).size).to.equal(1);
    const last = seen[seen.length - 1]!;
    expect(last.fps).to.be.above(0);
    expect(last.frameMs).to.be.at.least(last.detectMs);
  });

  it('keeps the camera open and the track when face-style loads another model', async () => {
    // A second URL of the same model: a real model change (load, release, setFaceModel) with one shipped style.
    const { el, track } = await tracking();
    const loaded = next(el, 'blaze-face-load', 120000);
    el.setAttribute('face-style', new URL('/models/toon/model.json?copy=2', location.href).href);
    expect((await loaded).detail.style).to.contain('copy=2');
    await tracks(el, 10);
    const after = await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid);
    expect(after.faces[0]!.id).to.equal(track.faces[0]!.id);
    expect(streams.length).to.equal(1);
    expect(streams[0]!.getTracks()[0]!.readyState).to.equal('live');
  });

  it('switches face-style with the camera open: same stream, same track, a face of the new style', async () => {
    // No feather: the overlay is opaque over the box, so the clip moving under it does not enter the comparison.
    // The flat face: its pixels stay put from capture to capture (the lens's deform with the face; the lens
    // keeps its place across a style switch in the test above).
    const { el, track } = await tracking({ mirror: 'false', 'blend-feather': '0', tracking: 'box' });
    const { box, id } = track.faces[0]!;
    // The detector's box: eyes, brows, nose and mouth, all inside the overlay (which spans about twice the box).
    const face = (x: number, y: number) => x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height;
    type Pixels = { data: Uint8ClampedArray; width: number; height: number };
    // Aligned on the face itself: the overlay follows a smoothed box that lags the clip's motion, so two
    // captures aligned on the background do not line up their faces.
    const faceDiff = (a: Pixels, b: Pixels) =>
      meanDiff(a.data, b.data, a.width, a.height, face, bestShift(a.data, b.data, a.width, a.height, face));
    const toon = (await bareAndBlended(el)).blended;
    await tracks(el, 5);
    const same = faceDiff(toon, (await bareAndBlended(el)).blended);
    const loaded = next(el, 'blaze-face-load', 120000);
    el.setAttribute('face-style', 'sketch');
    expect((await loaded).detail.style).to.equal('sketch');
    // The old face stays until the new model's face is generated; wait for it (the first one can take seconds).
    const threshold = Math.max(10, 2 * same);
    let switched = 0;
    for (const t0 = performance.now(); switched <= threshold && performance.now() - t0 < 60000;) {
      await tracks(el, 3);
      switched = faceDiff(toon, (await bareAndBlended(el)).blended);
    }
    const after = await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid);
    console.log(
      `style switch in camera mode: face region |diff| toon vs toon ${same.toFixed(1)}, toon vs sketch ${switched.toFixed(1)}`,
    );
    expect(switched, 'the face drawn after the switch differs from the toon face').to.be.above(threshold);
    expect(after.faces[0]!.id).to.equal(id);
    expect(streams.length).to.equal(1);
    expect(streams[0]!.getTracks()[0]!.readyState).to.equal('live');
  });

  it('stops every camera track when camera is removed, and when the element leaves', async () => {
    const { el } = await tracking();
    expect(streams.length).to.equal(1);
    el.removeAttribute('camera');
    await el.updateComplete;
    expect(streams[0]!.getTracks().map((t) => t.readyState)).to.deep.equal(['ended']);
    el.setAttribute('camera', '');
    await trackWhere(el, (t) => t.faces.length === 1);
    expect(streams.length).to.equal(2);
    el.remove();
    expect(streams[1]!.getTracks().map((t) => t.readyState)).to.deep.equal(['ended']);
  });

  it('releases the camera while the page is hidden and resumes on return', async () => {
    const { el } = await tracking();
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    try {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      expect(streams[0]!.getTracks().map((t) => t.readyState)).to.deep.equal(['ended']);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
      Object.defineProperty(Document.prototype, 'visibilityState', visibility);
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await trackWhere(el, (t) => t.faces.length === 1);
    expect(streams.length).to.equal(2);
    expect(streams[1]!.getTracks()[0]!.readyState).to.equal('live');
  });

  it('a denied camera gives camera-denied and the face; camera off and on retries', async () => {
    const wrapped = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    let el: BlazeFaceElement;
    try {
      el = makeFace({ camera: '', seed: '5' });
      const loaded = next(el, 'blaze-face-load', 120000);
      const err = await next(el, 'blaze-face-error', 120000);
      await loaded;
      expect(err.detail.type).to.equal('camera-denied');
      expect(err.detail.message).to.match(/permission denied/);
    } finally {
      navigator.mediaDevices.getUserMedia = wrapped;
    }
    // The face is shown: capture() gives the generated face, not a camera frame.
    const face = await pngPixels(await el.capture());
    expect([face.width, face.height]).to.deep.equal([256, 256]);
    expect(el.shadowRoot!.querySelector('[part=camera]')).to.equal(null);
    el.removeAttribute('camera');
    await el.updateComplete;
    el.setAttribute('camera', '');
    await trackWhere(el, (t) => t.faces.length === 1);
  });

  it('a missing face model gives face-model-load and releases the camera', async () => {
    const el = makeFace({ camera: '', tracking: 'box', 'face-model': '/models/mediapipe/missing.tflite' });
    const err = await next(el, 'blaze-face-error', 120000);
    expect(err.detail.type).to.equal('face-model-load');
    expect(err.detail.message).to.contain('missing.tflite');
    await waitFor(allEnded, 'the camera to be released', { ms: 5000, now: trackStates });
    for (const s of streams) expect(s.getTracks()[0]!.readyState).to.equal('ended');
  });

  it('rejects bad camera attributes and keeps running', async () => {
    const { el } = await tracking();
    for (const [name, value, expected] of [
      ['max-faces', '0', /max-faces: expected an integer in \[1, 8\], got 0/],
      ['blend-opacity', '1.5', /blend-opacity: expected a number in \[0, 1\], got 1.5/],
      ['blend-feather', 'soft', /blend-feather: expected a number in \[0, 1\], got NaN/],
      ['blend-lighting', '2', /blend-lighting: expected a number in \[0, 1\], got 2/],
      ['tracking', 'cube', /tracking: expected "mesh" or "box", got "cube"/],
    ] as const) {
      const err = next(el, 'blaze-face-error', 5000);
      el.setAttribute(name, value);
      expect((await err).detail.message).to.match(expected);
      el.removeAttribute(name);
    }
    await trackWhere(el, (t) => t.faces.length === 1);
  });

  it('wears the lens by default: pose, mouth and eyes per face; box tracking reports them as null', async () => {
    const { track } = await tracking();
    expect(track.tracking).to.equal('mesh');
    const f = track.faces[0]!;
    expect(Math.abs(f.pose!.yaw)).to.be.below(45);
    expect(Math.abs(f.pose!.roll)).to.be.below(45);
    expect(f.mouthOpen).to.be.within(0, 0.3); // the photo's smile, lips together
    for (const e of f.eyesOpen!) expect(e).to.be.above(0.3);
    expect(f.landmarks!.length).to.equal(478 * 3);
    await cleanup();
    const box = (await tracking({ tracking: 'box' })).track;
    expect(box.tracking).to.equal('box');
    expect([
      box.faces[0]!.pose,
      box.faces[0]!.mouthOpen,
      box.faces[0]!.eyesOpen,
      box.faces[0]!.landmarks,
    ]).to.deep.equal([null, null, null, null]);
  });

  it('falls back to box tracking when the landmark model cannot load, says so, and keeps the camera', async () => {
    const el = makeFace({ camera: '', seed: '5', 'landmark-model': '/models/mediapipe/missing.task' });
    const err = await next(el, 'blaze-face-error', 120000);
    expect(err.detail.type).to.equal('face-model-load');
    expect(err.detail.message).to.contain('missing.task');
    expect(err.detail.message).to.contain('tracking="box"');
    const t = await trackWhere(el, (d) => d.faces.length === 1 && d.faces[0]!.overlaid);
    expect(t.tracking).to.equal('box');
    expect(streams.at(-1)!.getTracks()[0]!.readyState).to.equal('live');
  });

  it('records the composited view: startRecording() / stopRecording() give a playable WebM', async () => {
    const el = makeFace({ seed: '5' });
    await next(el, 'blaze-face-load', 120000);
    expect(() => el.startRecording()).to.throw(/expected camera mode running/);
    el.setAttribute('camera', '');
    await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid);
    el.startRecording();
    await tracks(el, 8);
    const clip = await el.stopRecording();
    expect(clip.type).to.equal('video/webm');
    expect(clip.size).to.be.above(2000);
    const video = await playableClip(clip);
    expect([video.videoWidth, video.videoHeight]).to.deep.equal([640, 480]);
    URL.revokeObjectURL(video.src);
    let rejected = '';
    await el.stopRecording().catch((e: Error) => {
      rejected = e.message;
    });
    expect(rejected).to.match(/expected a recording in progress/);
  });

  it('makes no request to any other origin, camera on and off', async () => {
    const { el } = await tracking();
    el.removeAttribute('camera'); // closing a MediaPipe task is when it would send its usage logs
    await el.updateComplete;
    // A fixed wait, as there is no event to wait on: this looks for requests that must never come.
    await sleep(500);
    const foreign = foreignRequests();
    expect(requested.length).to.be.above(3); // the observers do see the page's own requests
    expect(foreign).to.deep.equal([]);
  });

  it('holds tensors and tfjs memory flat over 300 frames', async function () {
    this.timeout(900000); // 300 processed frames (a wait of up to 600 s) at a few a second on SwiftShader
    const { el } = await tracking();
    await tracks(el, 20);
    const before = tf.memory();
    const seen = await tracks(el, 300, 600000);
    const after = tf.memory();
    expect(seen.filter((t) => t.faces.length === 1).length).to.be.above(250);
    expect(after.numTensors).to.equal(before.numTensors);
    expect(after.numBytes).to.equal(before.numBytes);
  });
});
