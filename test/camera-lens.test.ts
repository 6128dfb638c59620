// The face lens, on the camera pipeline itself (no element, no generator): Chromium's fake camera plays
// the turning-face clip, a real photo (face-api's sample3.jpg) turned from -30 to +30 degrees and
// back, with the frame number coded in its corner. The overlay is a marker face: the model's canonical
// image-left eye red, image-right eye blue, the rest green, so its placement can be read from the pixels.
// Runs in the `camera-lens` group of web-test-runner.config.mjs.
import { expect } from '@esm-bundle/chai';
import { CLIPS, rollAt } from '../scripts/fake-camera-clips.mjs';
import { blobCentre, overlaid, startLensPipeline } from './lens-helpers.js';
import { playableClip } from './camera-helpers.js';
import { within } from './wait.js';

const CLIP = CLIPS['turning-face'];
const IOD_TOLERANCE = 0.1;

describe('the face lens on a turning face', () => {
  let run: Awaited<ReturnType<typeof startLensPipeline>>;

  before(async function () {
    this.timeout(300000); // MediaPipe's start, then the first overlaid frame (a wait of up to 120 s)
    run = await startLensPipeline();
    await run.until(overlaid);
  });

  after(() => {
    run.pipeline.stop();
    run.canvas.remove();
  });

  it('tracks with the mesh, reporting pose and expression', () => {
    const s = run.samples.filter(overlaid).at(-1)!;
    expect(run.warnings).to.deep.equal([]);
    expect(s.detail.tracking).to.equal('mesh');
    const f = s.detail.faces[0]!;
    expect(f.landmarks?.length).to.equal(478 * 3);
    for (const k of ['yaw', 'pitch', 'roll'] as const) expect(f.pose![k]).to.be.a('number').and.within(-90, 90);
    // A smile with the lips together (test/camera-mouth.test.ts has the open one).
    expect(f.mouthOpen).to.be.within(0, 0.2);
    expect(f.eyesOpen![0]).to.be.above(0.3);
    expect(f.eyesOpen![1]).to.be.above(0.3);
  });

  it('puts the generated eyes on the landmark eyes (within 10 % of the eye distance)', async () => {
    const s = await run.until(overlaid);
    const f = s.detail.faces[0]!,
      l = f.landmarks!;
    const mean = (ids: number[]) =>
      [0, 1].map((d) => ids.reduce((a, i) => a + l[3 * i + d]!, 0) / ids.length) as [number, number];
    const left = mean([33, 133]),
      right = mean([263, 362]);
    const iod = Math.hypot(right[0] - left[0], right[1] - left[1]);
    const red = blobCentre(s.shot, 'red'),
      blue = blobCentre(s.shot, 'blue');
    expect(red, 'the red (image-left) eye marker is visible').to.not.equal(null);
    expect(blue, 'the blue (image-right) eye marker is visible').to.not.equal(null);
    expect(Math.hypot(red![0] - left[0], red![1] - left[1]) / iod).to.be.below(IOD_TOLERANCE);
    expect(Math.hypot(blue![0] - right[0], blue![1] - right[1]) / iod).to.be.below(IOD_TOLERANCE);
  });

  it('follows the roll within 5 degrees as the photo turns through +-30, and the overlay eye line turns with it', async function () {
    this.timeout(360000); // above the wait for the sweep (300 s)
    // Not the first frames, drawn while the test before held the main thread: the lens went unread there.
    const settled = run.samples.length + 3;
    await run.until(() => run.samples.length >= settled);
    const start = run.samples.length;
    // Until the clip has turned through most of its sweep while tracked, in 30 frames or more.
    const seen = () => run.samples.slice(start).filter(overlaid);
    await run.until(() => {
      const turns = seen().map((x) => rollAt(CLIP, x.frame));
      return turns.length >= 30 && Math.min(...turns) < -22 && Math.max(...turns) > 22;
    }, 300000);
    const got = seen().map((s) => {
      const red = blobCentre(s.shot, 'red'),
        blue = blobCentre(s.shot, 'blue');
      return {
        turn: rollAt(CLIP, s.frame),
        roll: s.detail.faces[0]!.pose!.roll,
        eyes: red && blue ? (Math.atan2(blue[1] - red[1], blue[0] - red[0]) * 180) / Math.PI : NaN,
      };
    });
    const turns = got.map((g) => g.turn);
    expect(Math.max(...turns) - Math.min(...turns), 'the clip turned far enough while tracked').to.be.above(40);
    // The photo's own tilt is the median offset; every frame must sit within 5 degrees of turn + tilt.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const tilt = median(got.map((g) => g.roll - g.turn));
    const worst = Math.max(...got.map((g) => Math.abs(g.roll - g.turn - tilt)));
    const withEyes = got.filter((g) => Number.isFinite(g.eyes));
    expect(withEyes.length).to.be.above(got.length * 0.8);
    const eyeTilt = median(withEyes.map((g) => g.eyes - g.turn));
    const worstEyes = Math.max(...withEyes.map((g) => Math.abs(g.eyes - g.turn - eyeTilt)));
    console.log(
      `roll: ${got.length} frames over turns ${Math.min(...turns).toFixed(1)}..${Math.max(...turns).toFixed(1)}; photo tilt ${tilt.toFixed(1)} (pose) / ${eyeTilt.toFixed(1)} (overlay eyes); worst error ${worst.toFixed(2)} / ${worstEyes.toFixed(2)} deg`,
    );
    expect(worst).to.be.below(5);
    expect(worstEyes).to.be.below(5);
    expect(Math.abs(tilt - eyeTilt)).to.be.below(5);
  });

  it('records a playable WebM clip of the composited view', async () => {
    run.pipeline.startRecording();
    expect(() => run.pipeline.startRecording()).to.throw(/already running/);
    await run.until(() => true);
    const n0 = run.samples.length;
    await run.until(() => run.samples.length >= n0 + 10);
    const clip = await run.pipeline.stopRecording();
    expect(clip.type).to.equal('video/webm');
    expect(clip.size).to.be.above(2000);
    const video = await playableClip(clip);
    expect(video.videoWidth).to.equal(640);
    await video.play();
    const twoFrames = new Promise((r) => video.requestVideoFrameCallback(() => video.requestVideoFrameCallback(r)));
    await within(twoFrames, 30000, 'two frames of the recorded clip to play');
    video.pause();
    expect(video.videoHeight).to.equal(480);
    // A decoded frame of the clip shows the view: not a blank image.
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(video, 0, 0, 64, 48);
    const px = ctx.getImageData(0, 0, 64, 48).data;
    let sum = 0,
      sq = 0;
    for (let i = 0; i < px.length; i += 4) {
      sum += px[i]!;
      sq += px[i]! ** 2;
    }
    const n = px.length / 4;
    expect(Math.sqrt(sq / n - (sum / n) ** 2), 'the decoded frame has contrast').to.be.above(10);
    URL.revokeObjectURL(video.src);
    await expectRejects(run.pipeline.stopRecording(), /expected a recording in progress/);
  });

  it('holds GL textures and buffers flat over 300 frames', async function () {
    this.timeout(900000); // above the wait for 300 frames (600 s)
    const gl = WebGL2RenderingContext.prototype;
    const live = { textures: 0, buffers: 0 };
    const wrap = <K extends 'createTexture' | 'deleteTexture' | 'createBuffer' | 'deleteBuffer'>(
      k: K,
      kind: keyof typeof live,
      d: number,
    ) => {
      const real = gl[k] as (...a: unknown[]) => unknown;
      (gl as unknown as Record<string, unknown>)[k] = function (this: WebGL2RenderingContext, ...a: unknown[]) {
        live[kind] += d;
        return real.apply(this, a);
      };
      return () => {
        (gl as unknown as Record<string, unknown>)[k] = real;
      };
    };
    const restore = [
      wrap('createTexture', 'textures', 1),
      wrap('deleteTexture', 'textures', -1),
      wrap('createBuffer', 'buffers', 1),
      wrap('deleteBuffer', 'buffers', -1),
    ];
    try {
      const n0 = run.samples.length;
      await run.until(() => run.samples.length >= n0 + 20);
      const mid = { ...live };
      await run.until(() => run.samples.length >= n0 + 300, 600000);
      expect(live).to.deep.equal(mid);
    } finally {
      restore.forEach((r) => r());
    }
  });
});

async function expectRejects(p: Promise<unknown>, pattern: RegExp) {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.match(pattern);
    return;
  }
  expect.fail('expected a rejection');
}
