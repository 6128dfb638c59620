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
/** Where the photo's content is in frame f, along x, in frame pixels (relative to frame 0); f may be fractional. */
const shift = (f: number) => {
  const g = ((f % CLIP.frames) + CLIP.frames) % CLIP.frames;
  return -(windowAt(CLIP, g).x - CLIP.x) * (CLIP.out[0]! / CLIP.width);
};

/**
 * The overlay's lag behind the clip, in clip frames, with the given smoothing, and the processed frames' interval;
 * also fitted over the predicted frames (CameraTrackDetail.predicted) and the read ones apart.
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
    return {
      ...fitOf(got),
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

describe('the face lens on a moving face', function () {
  this.timeout(600000); // two pipelines: MediaPipe's start, then 130 frames each on a software GPU

  it('keeps up: the overlay lags the face by at most one processed frame, little of it from smoothing', async () => {
    const raw = await lagOf({ minCutoff: 1e6, beta: 0, dCutoff: 1 });
    const smoothed = await lagOf(DEFAULTS.camera.smoothing);
    const camMs = 1000 / 30; // the fake camera's frame interval
    const report = (r: typeof raw) =>
      `${r.lag.toFixed(2)} clip frames (${(r.lag * camMs).toFixed(0)} ms, ${((r.lag * camMs) / r.intervalMs).toFixed(2)} processed frames of ${r.intervalMs.toFixed(0)} ms; fit RMS ${r.rms.toFixed(2)} px; ${(100 * r.predictedShare).toFixed(0)} % of frames predicted)`;
    console.log(`lag on a face sliding ${(2 * CLIP.slide * CLIP.out[0]!) / CLIP.width / CLIP.frames} px a frame:`);
    console.log(`  smoothed ${report(smoothed)}`);
    console.log(`  unsmoothed ${report(raw)}`);
    // The track is the motion, delayed: the fit explains it to within a few pixels.
    expect(smoothed.rms).to.be.below(4);
    // At most one processed frame behind the face in all, of which smoothing adds at most half a camera frame.
    expect(smoothed.lag * camMs, 'lag in ms').to.be.at.most(smoothed.intervalMs);
    expect(smoothed.lag - raw.lag, 'lag smoothing adds, in camera frames').to.be.at.most(0.5);
  });
});

describe('the face lens with predicted frames', function () {
  this.timeout(600000);

  it('predicts every other frame when reading takes longer than the budget, and keeps up in those frames too', async () => {
    const r = await lagOf(DEFAULTS.camera.smoothing, { frameBudgetMs: 0 }); // every read is over budget
    const camMs = 1000 / 30;
    console.log(
      `predicted every other frame: ${(100 * r.predictedShare).toFixed(0)} % predicted; lag ${r.lag.toFixed(2)} clip frames ` +
        `(read frames ${r.read.lag.toFixed(2)}, predicted ${r.predicted?.lag.toFixed(2)}; fit RMS ${r.rms.toFixed(2)} px), ` +
        `a processed frame every ${r.intervalMs.toFixed(0)} ms`,
    );
    expect(r.predictedShare).to.be.within(0.4, 0.6);
    expect(r.rms).to.be.below(4);
    // Held at the last read, a predicted frame would lag a whole frame more than a read one; moved on, it does not.
    expect(r.predicted!.lag - r.read.lag, 'extra lag of the predicted frames, in camera frames').to.be.at.most(0.5);
    expect(r.lag * camMs, 'lag in ms').to.be.at.most(r.intervalMs);
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
    // At least as close to the clip's true motion as the IMAGE mode (which places its input by its own detector).
    expect(fits[0]!.rms).to.be.below(fits[1]!.rms + 0.5);
    // And close to it outright: a VIDEO landmarker left to smooth in the crop's coordinates is not. A run whose
    // frames are noisier for both modes may go up to 0.6 of the IMAGE mode's error (docs/test-margins.md).
    expect(fits[0]!.rms).to.be.below(Math.max(2, 0.6 * fits[1]!.rms));
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
