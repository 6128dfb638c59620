// Lag: the face lens on a moving photo must keep up. Chromium's fake camera plays the sliding-face clip
// (face-api's sample3.jpg sliding 68 px to and fro in 48 frames, frame numbers in its corner), so where the face is
// in each frame is known; the overlay is the marker face of lens-helpers.ts, found in the composited pixels.
// Runs in the `camera-lag` group of web-test-runner.config.mjs.
import { expect } from '@esm-bundle/chai';
import { CLIPS, readFrameCode, windowAt } from '../scripts/fake-camera-clips.mjs';
import { openFrontCamera, stopStream } from '../src/camera/camera-stream.js';
import { DEFAULTS } from '../src/core/defaults.js';
import { meshFinder, nextFrame } from './finder-helpers.js';
import { overlaid, startLensPipeline } from './lens-helpers.js';
import { eyeSamples, fitLag } from './lens-steady.js';

const CLIP = CLIPS['sliding-face'];
/** The fake camera's frame interval, and the face's speed in frame pixels a camera frame. */
const CAMERA_MS = 1000 / 30;
const CLIP_SPEED = (2 * CLIP.slide * CLIP.out[0]!) / CLIP.width / CLIP.frames;
/** Where the photo's content is in frame f, along x, in frame pixels (relative to frame 0); f may be fractional. */
const shift = (f: number) => {
  const g = ((f % CLIP.frames) + CLIP.frames) % CLIP.frames;
  return -(windowAt(CLIP, g).x - CLIP.x) * (CLIP.out[0]! / CLIP.width);
};

/** Whether a turn of the clip (it reverses at frame 0 and halfway) lies in frames [a, b]. */
const turnWithin = (a: number, b: number) => Math.floor(b / (CLIP.frames / 2)) >= Math.ceil(a / (CLIP.frames / 2));

/**
 * The overlay's lag behind the clip, in clip frames, with the given smoothing, and the processed frames' interval;
 * also fitted over the predicted frames (CameraTrackDetail.predicted) and the read ones apart.
 *
 * The clip reverses from one frame to the next, and a frame's track comes from the last two reads (the filter's
 * speed is their difference): a frame whose two reads are on either side of a turn is carried on the wrong way.
 * So frames near a turn are judged apart: `steady` is the fit's RMS over the others, and `turnMiss` the largest
 * miss of one near a turn as a share of what a track carried on the wrong way would miss: twice the way the face
 * went since the read before last, plus 4 px of noise.
 */
async function lagOf(smoothing: typeof DEFAULTS.camera.smoothing, o: { frameBudgetMs?: number } = {}) {
  const run = await startLensPipeline({
    tracker: { smoothing, minIou: DEFAULTS.camera.minIou, maxMissed: DEFAULTS.camera.maxMissed },
    ...o,
  });
  try {
    await run.until(overlaid);
    await eyeSamples(run.until, 10);
    const got = await eyeSamples(run.until, 120);
    const fitOf = (gs: typeof got) =>
      fitLag(
        gs.map((g) => g.sample.frame),
        gs.map((g) => g.eyes[0]),
        shift,
      );
    const predicted = got.filter((g) => g.sample.detail.predicted);
    const read = got.filter((g) => !g.sample.detail.predicted);
    const intervalMs = (got.at(-1)!.at - got[0]!.at) / (got.length - 1);
    const all = fitOf(got);
    // Clip frames from the read before last to each frame (frame numbers start again at 0 each clip).
    const spans = got.map((g, i) => {
      const reads = got.slice(0, i).filter((h) => !h.sample.detail.predicted);
      if (reads.length < 2) return Infinity;
      const from = reads.at(-2)!.sample.frame;
      return g.sample.frame - from + (from > g.sample.frame ? CLIP.frames : 0);
    });
    const nearTurn = got.map((g, i) => {
      const f = g.sample.frame - all.lag;
      return turnWithin(f - spans[i]! - 1, f + 1);
    });
    const steady = fitOf(got.filter((_, i) => !nearTurn[i]));
    const misses = got.flatMap((g, i) =>
      nearTurn[i] && spans[i]! < Infinity
        ? [Math.abs(g.eyes[0] - steady.offset - shift(g.sample.frame - steady.lag)) / (2 * CLIP_SPEED * spans[i]! + 4)]
        : [],
    );
    return {
      ...all,
      steady: steady.rms,
      turnMiss: Math.max(0, ...misses),
      nearTurnShare: nearTurn.filter(Boolean).length / got.length,
      intervalMs,
      predictedShare: predicted.length / got.length,
      predicted: predicted.length > 10 ? fitOf(predicted) : null,
      read: fitOf(read),
    };
  } finally {
    run.pipeline.stop();
    run.canvas.remove();
  }
}

type Lag = Awaited<ReturnType<typeof lagOf>>;

const report = (r: Lag) =>
  `${r.lag.toFixed(2)} clip frames (${(r.lag * CAMERA_MS).toFixed(0)} ms, ${((r.lag * CAMERA_MS) / r.intervalMs).toFixed(2)} ` +
  `processed frames of ${r.intervalMs.toFixed(0)} ms); fit RMS ${r.steady.toFixed(2)} px away from the turns ` +
  `(${r.rms.toFixed(2)} over all; ${(100 * r.nearTurnShare).toFixed(0)} % of frames near a turn, missing by at most ` +
  `${r.turnMiss.toFixed(2)} of what a track carried on the wrong way would); ${(100 * r.predictedShare).toFixed(0)} % of frames predicted`;

/**
 * The track is the motion, delayed. Near a turn, a frame carried on by the speed of its last two reads misses by no
 * more than such a track would; one carried on by several steps would miss by more (camera-math.test.ts holds a
 * prediction to its last step).
 */
function expectTrack(r: Lag) {
  expect(r.steady, 'fit RMS away from the turns, px').to.be.below(4);
  expect(r.turnMiss, 'miss near a turn, as a share of a track carried on the wrong way').to.be.at.most(1);
}

describe('the face lens on a moving face', function () {
  this.timeout(600000); // two pipelines: MediaPipe's start, then 130 frames each on a software GPU

  it('keeps up: the overlay lags the face by at most one processed frame, little of it from smoothing', async () => {
    const raw = await lagOf({ minCutoff: 1e6, beta: 0, dCutoff: 1 });
    const smoothed = await lagOf(DEFAULTS.camera.smoothing);
    console.log(`lag on a face sliding ${CLIP_SPEED.toFixed(2)} px a frame:`);
    console.log(`  smoothed ${report(smoothed)}`);
    console.log(`  unsmoothed ${report(raw)}`);
    expectTrack(smoothed);
    // At most one processed frame behind the face in all, of which smoothing adds at most half a camera frame.
    expect(smoothed.lag * CAMERA_MS, 'lag in ms').to.be.at.most(smoothed.intervalMs);
    expect(smoothed.lag - raw.lag, 'lag smoothing adds, in camera frames').to.be.at.most(0.5);
  });
});

describe('the face lens with predicted frames', function () {
  this.timeout(600000);

  it('predicts every other frame when reading takes longer than the budget, and keeps up in those frames too', async () => {
    const r = await lagOf(DEFAULTS.camera.smoothing, { frameBudgetMs: 0 }); // every read is over budget
    console.log(
      `predicted every other frame: ${report(r)}; read frames lag ${r.read.lag.toFixed(2)}, predicted ${r.predicted?.lag.toFixed(2)}`,
    );
    expect(r.predictedShare).to.be.within(0.4, 0.6);
    expectTrack(r);
    // Held at the last read, a predicted frame would lag a whole frame more than a read one; moved on, it does not.
    expect(r.predicted!.lag - r.read.lag, 'extra lag of the predicted frames, in camera frames').to.be.at.most(0.5);
    expect(r.lag * CAMERA_MS, 'lag in ms').to.be.at.most(r.intervalMs);
  });
});

describe('mesh tracking on a moving face', function () {
  this.timeout(600000);

  it('reads a followed face in VIDEO mode where it can, as well as the IMAGE mode reads it', async () => {
    const [tracking, reference] = await Promise.all([meshFinder(), meshFinder({ track: false })]);
    const { stream, video } = await openFrontCamera({ width: 640, height: 480 });
    const corner = new OffscreenCanvas(640, 40).getContext('2d', { willReadFrequently: true })!;
    const frames: number[] = [],
      xs: [number[], number[]] = [[], []],
      apart: number[] = [];
    try {
      // The first reads compile and warm both models, one after the other; the frame then changes between reading
      // its number and reading its face (misses of about 40 px), so the fit starts once both are warm.
      for (let k = 0; k < 10; k++) {
        await nextFrame(video);
        [tracking, reference].forEach((finder) => finder.detect(video, performance.now(), 1));
      }
      while (frames.length < 90) {
        await nextFrame(video);
        corner.drawImage(video, 0, 0, 640, 40, 0, 0, 640, 40);
        const f = readFrameCode(corner.getImageData(0, 0, 640, 40).data, 640);
        const t = performance.now();
        // Both read the same frame: the element's frame callback runs one finder, here the two in one task.
        const got = [tracking, reference].map((finder) => finder.detect(video, t, 1)[0]?.landmarks);
        const [a, b] = got;
        if (f === null || !a || !b) continue;
        frames.push(f);
        got.forEach((p, k) => xs[k]!.push(p!.filter((_, i) => i % 3 === 0).reduce((s, x) => s + x, 0) / 478));
        let d = 0;
        for (let i = 0; i < 478; i++) d += Math.hypot(a[3 * i]! - b[3 * i]!, a[3 * i + 1]! - b[3 * i + 1]!);
        apart.push(d / 478);
      }
    } finally {
      stopStream(stream);
      tracking.close();
      reference.close();
    }
    const fits = xs.map((x) => fitLag(frames, x, shift, 2));
    const sorted = [...apart].sort((p, q) => p - q);
    const median = sorted[sorted.length >> 1]!;
    console.log(
      `landmarks' mean x against the clip's motion, RMS: VIDEO ${fits[0]!.rms.toFixed(2)} px, IMAGE ${fits[1]!.rms.toFixed(2)} px; ` +
        `the two apart by a median ${median.toFixed(2)} px a landmark (max ${sorted.at(-1)!.toFixed(2)}); ` +
        `reads ${JSON.stringify(tracking.reads)} (IMAGE only: ${JSON.stringify(reference.reads)})`,
    );
    expect(tracking.reads.video).to.be.at.least(0.9 * frames.length);
    // Closer to the clip's true motion than the IMAGE mode (which places its input by its own detector).
    expect(fits[0]!.rms, 'VIDEO against IMAGE, px RMS').to.be.below(fits[1]!.rms);
    // And close to it outright: a VIDEO landmarker left to smooth in the crop's coordinates is not (the clip's
    // grain moves each read by a pixel or two; docs/test-margins.md).
    expect(fits[0]!.rms, 'VIDEO, px RMS').to.be.below(2.5);
    // The same face, read from another placement of the model's input: the IMAGE mode's own spread is a few px.
    expect(median).to.be.below(8);
  });

  it('makes a VIDEO landmarker again when its clock runs out, and reads the face in every frame meanwhile', async () => {
    // A clock that runs out after 10 reads instead of days.
    const finder = await meshFinder({ trackerClockLimitMs: 10 * 600_000 });
    const { stream, video } = await openFrontCamera({ width: 640, height: 480 });
    const found: boolean[] = [];
    let videoAfterRenewal = 0;
    try {
      while (found.length < 120) {
        await nextFrame(video);
        const renewed = finder.renewals;
        const before = finder.reads.video;
        found.push(finder.detect(video, performance.now(), 1).length === 1);
        if (renewed >= 2 && finder.reads.video > before) videoAfterRenewal++;
      }
    } finally {
      stopStream(stream);
      finder.close();
    }
    console.log(
      `clock limit of 10 reads: ${finder.renewals} renewals, reads ${JSON.stringify(finder.reads)}, ` +
        `${found.filter((f) => !f).length} of ${found.length} frames without the face`,
    );
    expect(finder.renewals, 'landmarkers made again').to.be.at.least(2);
    expect(videoAfterRenewal, 'VIDEO reads by a landmarker made again').to.be.at.least(10);
    // The first frames wait for the detector; from the tenth on the face is read in every frame.
    expect(found.slice(10).every((f) => f)).to.equal(true);
  });
});
