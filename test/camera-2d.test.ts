// Camera mode where the page's canvases give no WebGL2: getContext('webgl2') on a canvas element answers null
// (WebGL 1 stays), so the camera view, a canvas element, is drawn by the 2D-canvas compositor. OffscreenCanvas
// keeps WebGL2: MediaPipe's tasks (tasks-vision 1.1.0) work on one and need WebGL2 themselves, even on the CPU
// delegate (given only WebGL 1 they abort on the first frame: "gl_texture_buffer.cc: Check failed: prod_token").
// Chromium's fake camera plays the turning-face clip (face-api's sample3.jpg turned from -30 to +30
// degrees and back, the frame number coded in its corner), as for test/camera-lens.test.ts: a turning-face group.
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { tf } from '../dist/internal.js';
import type { BlazeFaceElement } from '../dist/blaze-face.js';
import { CLIPS, readFrameCode, rollAt } from '../scripts/fake-camera-clips.mjs';
import { FACE_OVAL } from '../src/camera/canonical-mesh.js';
import { blobCentre, overlaid, snapshot, startLensPipeline, type Rgba, type Sample } from './lens-helpers.js';
import {
  bareAndBlended,
  boxCore,
  farFromBox,
  meanDiff,
  recordStreams,
  trackWhere,
  tracks,
  type Track,
} from './camera-helpers.js';
import { cleanup, makeFace, next, pngPixels, waitFor } from './helpers.js';

const CLIP = CLIPS['turning-face'];

type GetContext = (this: HTMLCanvasElement, type: string, options?: unknown) => RenderingContext | null;
const proto = HTMLCanvasElement.prototype as unknown as { getContext: GetContext };
const realGetContext = proto.getContext;

/** Whether the page's canvas elements give WebGL2 (the browser's own) or none. */
function webgl2(available: boolean) {
  proto.getContext = available
    ? realGetContext
    : function (type, options) {
        return type === 'webgl2' ? null : realGetContext.call(this, type, options);
      };
}
webgl2(false);

const { streams, allEnded } = recordStreams();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The face oval of a landmark set (frame pixels), scaled by `k` about its centre. */
function oval(landmarks: Float32Array, k: number): [number, number][] {
  const pts = FACE_OVAL.map((i) => [landmarks[3 * i]!, landmarks[3 * i + 1]!] as [number, number]);
  const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length,
    cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  return pts.map(([x, y]) => [cx + k * (x - cx), cy + k * (y - cy)]);
}

function inPolygon(polygon: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!,
      [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Over the pixels where `where`: the mean and largest channel difference of a and b. */
function diffOver(a: Rgba, b: Rgba, where: (x: number, y: number) => boolean) {
  let sum = 0,
    max = 0,
    n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!where(x, y)) continue;
      const i = 4 * (y * a.width + x);
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(a.data[i + c]! - b.data[i + c]!);
        sum += d;
        max = Math.max(max, d);
      }
      n++;
    }
  }
  return { mean: sum / (3 * n), max, pixels: n };
}

/** The video's current frame, as a 2D canvas draws it. */
function videoFrame(video: HTMLVideoElement): Rgba {
  const c = document.createElement('canvas');
  c.width = video.videoWidth;
  c.height = video.videoHeight;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(video, 0, 0, c.width, c.height);
  return ctx.getImageData(0, 0, c.width, c.height);
}

const isMarker = (r: number, g: number, b: number) =>
  (g > 140 && r < 60 && b < 60) || (r > 170 && g < 70 && b < 70) || (b > 170 && r < 70 && g < 90);

/** Where the generated eyes are against the landmark eyes, in eye distances, and the eye line's angle. */
function eyes(s: Sample) {
  const l = s.detail.faces[0]!.landmarks!;
  const mean = (ids: number[]) =>
    [0, 1].map((d) => ids.reduce((a, i) => a + l[3 * i + d]!, 0) / ids.length) as [number, number];
  const left = mean([33, 133]),
    right = mean([263, 362]);
  const iod = Math.hypot(right[0] - left[0], right[1] - left[1]);
  const red = blobCentre(s.shot, 'red'),
    blue = blobCentre(s.shot, 'blue');
  if (!red || !blue) return null;
  return {
    error:
      Math.max(Math.hypot(red[0] - left[0], red[1] - left[1]), Math.hypot(blue[0] - right[0], blue[1] - right[1])) /
      iod,
    angle: (Math.atan2(blue[1] - red[1], blue[0] - red[0]) * 180) / Math.PI,
    roll: s.detail.faces[0]!.pose!.roll,
    turn: rollAt(CLIP, s.frame),
  };
}

describe('camera mode without WebGL2: the pipeline on the 2D canvas', () => {
  let run: Awaited<ReturnType<typeof startLensPipeline>>;

  before(async function () {
    this.timeout(300000); // MediaPipe's start, then the first overlaid frame (a wait of up to 120 s)
    expect(document.createElement('canvas').getContext('webgl2'), 'canvas elements give no WebGL2').to.equal(null);
    run = await startLensPipeline();
    await run.until(overlaid);
  });

  after(() => {
    run.pipeline.stop();
    run.canvas.remove();
  });

  it('draws with the 2D compositor and says so in every track report', () => {
    expect(run.pipeline.compositorKind).to.equal('2d');
    expect(run.samples.map((s) => s.detail.compositor)).to.satisfy((ks: string[]) => ks.every((k) => k === '2d'));
    expect(run.errors).to.deep.equal([]);
    expect(run.warnings).to.deep.equal([]);
    expect(run.samples.at(-1)!.detail.tracking).to.equal('mesh');
  });

  it('covers the face with the generated one, and leaves the frame as it is everywhere else', async () => {
    // The view drawn bare (opacity 0) and blended, and the video frame itself, all of one video frame: the video
    // is paused for them (the coded frame number checks it).
    const s = await run.until(overlaid);
    const landmarks = s.detail.faces[0]!.landmarks!;
    const video = (run.pipeline as unknown as { video: HTMLVideoElement }).video;
    const settings = { maxFaces: 1, mirror: false, feather: 0, lighting: 0, likeness: false };
    video.pause();
    const captures: Promise<Blob>[] = [];
    let bare: Rgba, blended: Rgba, raw: Rgba;
    try {
      run.pipeline.update({ ...settings, opacity: 0 });
      captures.push(run.pipeline.capture());
      bare = snapshot(run.canvas);
      run.pipeline.update({ ...settings, opacity: 1 });
      captures.push(run.pipeline.capture());
      blended = snapshot(run.canvas);
      raw = videoFrame(video);
      await Promise.all(captures);
    } finally {
      await video.play();
    }
    const codes = [bare, blended, raw].map((img) => readFrameCode(img.data, img.width));
    expect(codes[0], 'a frame number').to.not.equal(null);
    expect(codes, 'one video frame for all three').to.deep.equal([codes[0], codes[0], codes[0]]);
    const core = oval(landmarks, 0.6),
      reach = oval(landmarks, 2.4); // the lens's outer ring lies at 2.2 times the oval
    const inside = (x: number, y: number) => inPolygon(core, x, y);
    const far = (x: number, y: number) => !inPolygon(reach, x, y);
    const face = diffOver(bare, blended, inside),
      outside = diffOver(bare, blended, far),
      frame = diffOver(bare, raw, () => true);
    let marker = 0;
    for (let y = 0; y < blended.height; y++) {
      for (let x = 0; x < blended.width; x++) {
        if (!inside(x, y)) continue;
        const i = 4 * (y * blended.width + x);
        if (isMarker(blended.data[i]!, blended.data[i + 1]!, blended.data[i + 2]!)) marker++;
      }
    }
    console.log(
      `2D overlay: face core mean |diff| ${face.mean.toFixed(1)} over ${face.pixels} px, ${((100 * marker) / face.pixels).toFixed(1)} % marker colours; far outside mean ${outside.mean.toFixed(2)} max ${outside.max} over ${outside.pixels} px; bare view vs the video frame max ${frame.max}`,
    );
    expect(face.mean).to.be.above(40);
    expect(marker / face.pixels, "the face core shows the marker face's colours").to.be.above(0.95);
    expect(outside.pixels).to.be.above(10000);
    expect(outside.max, 'far from the face the frame is untouched').to.equal(0);
    expect(frame.max, 'the bare view is the camera frame').to.be.at.most(1);
  });

  it('follows the face as it turns: the generated eyes stay on the landmark eyes, the eye line turns with the head', async function () {
    this.timeout(360000); // above the wait for the sweep (300 s)
    const start = run.samples.length;
    const seen = () => run.samples.slice(start).filter(overlaid);
    await run.until(() => {
      const turns = seen().map((x) => rollAt(CLIP, x.frame));
      return turns.length >= 20 && Math.max(...turns) - Math.min(...turns) > 30;
    }, 300000);
    const got = seen().map(eyes);
    const found = got.filter((g) => g !== null);
    expect(found.length, 'both eye markers visible').to.be.above(got.length * 0.9);
    const turns = found.map((g) => g.turn),
      rolls = found.map((g) => g.roll);
    // Against the head's roll from the same landmarks (the clip's own turn runs a frame or two ahead of them).
    const tilt = median(found.map((g) => g.angle - g.roll));
    const worstAngle = Math.max(...found.map((g) => Math.abs(g.angle - g.roll - tilt)));
    const errors = found.map((g) => g.error);
    console.log(
      `2D lens over turns ${Math.min(...turns).toFixed(1)}..${Math.max(...turns).toFixed(1)}, rolls ${Math.min(...rolls).toFixed(1)}..${Math.max(...rolls).toFixed(1)} (${found.length} frames): eye error median ${median(errors).toFixed(3)} worst ${Math.max(...errors).toFixed(3)} eye distances; eye line worst ${worstAngle.toFixed(2)} deg off the roll`,
    );
    expect(Math.max(...rolls) - Math.min(...rolls), 'the head turned').to.be.above(25);
    expect(Math.max(...errors)).to.be.below(0.1);
    // The WebGL2 lens's limit (test/camera-lens.test.ts), which leaves room for a frame that lags on a loaded machine.
    expect(worstAngle).to.be.below(5);
  });

  it('bakes the face once: no texture is made or uploaded frame by frame', async function () {
    this.timeout(300000); // above the wait for 30 frames (240 s)
    const proto = CanvasRenderingContext2D.prototype;
    const realPut = proto.putImageData,
      realPattern = proto.createPattern;
    let made = 0;
    proto.putImageData = function (this: CanvasRenderingContext2D, ...a: Parameters<typeof realPut>) {
      made++;
      return realPut.apply(this, a);
    } as typeof realPut;
    proto.createPattern = function (this: CanvasRenderingContext2D, ...a: Parameters<typeof realPattern>) {
      made++;
      return realPattern.apply(this, a);
    };
    try {
      const n0 = run.samples.length;
      await run.until(() => run.samples.slice(n0).filter(overlaid).length >= 30, 240000);
    } finally {
      proto.putImageData = realPut;
      proto.createPattern = realPattern;
    }
    expect(made).to.equal(0);
  });

  it('stop() ends the camera and frees the canvas', async () => {
    const before = streams.length;
    expect(before).to.be.above(0);
    run.pipeline.stop();
    expect(run.pipeline.running).to.equal(false);
    await waitFor(allEnded, 'every camera stream to stop', { ms: 5000 });
    expect([run.canvas.width, run.canvas.height]).to.deep.equal([0, 0]);
  });
});

describe('camera mode without WebGL2: <blaze-face camera>', function () {
  this.timeout(400000); // a model load (up to 120 s), then a tracked, overlaid face (up to 180 s)
  afterEach(async () => {
    await cleanup();
    await waitFor(allEnded, 'every camera stream of the test to stop');
  });

  it('wears the generated face on the 2D canvas, says so, and releases everything when the camera goes', async () => {
    const el: BlazeFaceElement = makeFace({ seed: '5', mirror: 'false', 'blend-feather': '0' });
    await next(el, 'blaze-face-render', 120000, 'the face, before the camera starts');
    const generated = await pngPixels(await el.capture());
    const tensorsBefore = tf.memory().numTensors;
    const errors: string[] = [];
    el.addEventListener('blaze-face-error', (e) => errors.push(JSON.stringify(e.detail)));
    el.setAttribute('camera', '');
    const track: Track = await trackWhere(el, (t) => t.faces.length === 1 && t.faces[0]!.overlaid, 180000);
    expect(track.compositor).to.equal('2d');
    expect(track.tracking).to.equal('mesh');

    // The face's middle shows the generated face: far from the camera's picture there, near the face's colours.
    // Bare and blended of one video frame (the coded frame number says which).
    let pair: Awaited<ReturnType<typeof bareAndBlended>> | null = null;
    for (let attempt = 0; attempt < 20 && !pair; attempt++) {
      const p = await bareAndBlended(el);
      const code = readFrameCode(p.bare.data, p.bare.width);
      if (code !== null && code === readFrameCode(p.blended.data, p.blended.width)) pair = p;
      else await tracks(el, 1);
    }
    expect(pair, 'bare and blended captures of one frame, within 20 tries').to.not.equal(null);
    const { bare, blended } = pair!;
    const box = track.faces[0]!.box;
    const core = boxCore(box, 0.3);
    const far = farFromBox(box, 0.7, 1.9);
    const inside = meanDiff(bare.data, blended.data, blended.width, blended.height, core);
    const outside = meanDiff(bare.data, blended.data, blended.width, blended.height, far);
    const meanColour = (img: Rgba, where: (x: number, y: number) => boolean) => {
      const sum = [0, 0, 0];
      let n = 0;
      for (let y = 0; y < img.height; y++) {
        for (let x = 0; x < img.width; x++) {
          const i = 4 * (y * img.width + x);
          if (!where(x, y) || img.data[i + 3]! < 250) continue;
          for (let c = 0; c < 3; c++) sum[c]! += img.data[i + c]!;
          n++;
        }
      }
      return sum.map((v) => v / n);
    };
    // The generated face's middle: between its eyes and below its mouth (the toon model's canonical points).
    const R = generated.width;
    const faceColour = meanColour(generated, (x, y) => x > 0.3 * R && x < 0.7 * R && y > 0.4 * R && y < 0.8 * R);
    const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
    const blendedColour = meanColour(blended, core),
      bareColour = meanColour(bare, core);
    console.log(
      `element, 2D: face |diff| ${inside.toFixed(1)}, far ${outside.toFixed(2)}; mean colour generated ${faceColour.map(Math.round)}, blended ${blendedColour.map(Math.round)}, camera ${bareColour.map(Math.round)}`,
    );
    expect(inside).to.be.above(20);
    expect(outside).to.equal(0);
    expect(distance(blendedColour, faceColour)).to.be.below(distance(bareColour, faceColour));

    // Frame after frame, no tensor stays behind; then camera off releases the camera and the view.
    await tracks(el, 5);
    const during = tf.memory().numTensors;
    const seen = await tracks(el, 30);
    expect(seen.every((t) => t.compositor === '2d')).to.equal(true);
    expect(tf.memory().numTensors).to.equal(during);
    el.removeAttribute('camera');
    await el.updateComplete;
    expect(allEnded(), 'camera tracks ended').to.equal(true);
    expect(el.shadowRoot!.querySelector('[part=camera]')).to.equal(null);
    expect(tf.memory().numTensors).to.equal(tensorsBefore);
    expect(errors).to.deep.equal([]);
  });
});

describe('composite time, 2D against WebGL2', () => {
  after(() => webgl2(false));

  it('measures both on the same clip: median compositeMs, frameMs and fps, two runs of each, alternating', async function () {
    this.timeout(900000);
    const frames = { '2d': [] as Track[], webgl2: [] as Track[] };
    for (const kind of ['2d', 'webgl2', '2d', 'webgl2'] as const) {
      webgl2(kind === 'webgl2');
      const run = await startLensPipeline();
      try {
        await run.until(overlaid, 120000);
        // From the third overlaid frame on: the first ones bake the face (2D) or upload it (WebGL2).
        await run.until(() => run.samples.filter(overlaid).length >= 3);
        const n0 = run.samples.length;
        await run.until(() => run.samples.slice(n0).filter(overlaid).length >= 30, 240000);
        expect(run.pipeline.compositorKind).to.equal(kind);
        frames[kind].push(
          ...run.samples
            .slice(n0)
            .filter(overlaid)
            .map((s) => s.detail),
        );
      } finally {
        run.pipeline.stop();
        run.canvas.remove();
      }
    }
    const line = (k: '2d' | 'webgl2') =>
      `${k} compositeMs ${median(frames[k].map((t) => t.compositeMs)).toFixed(2)}, frameMs ${median(frames[k].map((t) => t.frameMs)).toFixed(1)}, detectMs ${median(frames[k].filter((t) => !t.predicted).map((t) => t.detectMs)).toFixed(1)} (read frames), ${median(frames[k].map((t) => t.fps)).toFixed(1)} fps (${frames[k].length} frames)`;
    console.log(`composite time, medians: ${line('2d')}; ${line('webgl2')}`);
    for (const k of ['2d', 'webgl2'] as const) expect(frames[k].every((t) => t.compositor === k)).to.equal(true);
  });
});
