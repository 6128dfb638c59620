// Lag: the face lens on a moving photo must keep up. Chromium's fake camera plays build/fake-camera/sliding-face.y4m
// (face-api's sample3.jpg sliding 68 px to and fro in 48 frames, frame numbers in its corner), so where the face is
// in each frame is known; the overlay is the marker face of lens-helpers.ts, found in the composited pixels.
// Runs in the `camera-lag` group of web-test-runner.config.mjs.
import { expect } from '@esm-bundle/chai';
import { CLIPS, windowAt } from '../scripts/fake-camera-clips.mjs';
import { DEFAULTS } from '../src/core/defaults.js';
import { overlaid, startLensPipeline } from './lens-helpers.js';
import { eyeSamples, fitLag } from './lens-steady.js';

const CLIP = CLIPS['sliding-face'];
/** Where the photo's content is in frame f, along x, in frame pixels (relative to frame 0); f may be fractional. */
const shift = (f: number) => {
  const g = ((f % CLIP.frames) + CLIP.frames) % CLIP.frames;
  return -(windowAt(CLIP, g).x - CLIP.x) * (CLIP.out[0]! / CLIP.width);
};

/** The overlay's lag behind the clip, in clip frames, with the given smoothing, and the processed frames' interval. */
async function lagOf(smoothing: typeof DEFAULTS.camera.smoothing) {
  const run = await startLensPipeline({
    tracker: { smoothing, minIou: DEFAULTS.camera.minIou, maxMissed: DEFAULTS.camera.maxMissed },
  });
  try {
    await run.until(overlaid);
    await eyeSamples(run.until, 10);
    const got = await eyeSamples(run.until, 120);
    const fit = fitLag(
      got.map((g) => g.sample.frame),
      got.map((g) => g.eyes[0]),
      shift,
    );
    const intervalMs = (got.at(-1)!.at - got[0]!.at) / (got.length - 1);
    return { ...fit, intervalMs };
  } finally {
    run.pipeline.stop();
    run.canvas.remove();
  }
}

describe('the face lens on a moving face', function () {
  this.timeout(600000); // two pipelines: MediaPipe's start, then 130 frames each on a software GPU

  it('keeps up: the overlay lags the face by at most one processed frame', async () => {
    const raw = await lagOf({ minCutoff: 1e6, beta: 0, dCutoff: 1 });
    const smoothed = await lagOf(DEFAULTS.camera.smoothing);
    const camMs = 1000 / 30; // the fake camera's frame interval
    const report = (r: typeof raw) =>
      `${r.lag.toFixed(2)} clip frames (${(r.lag * camMs).toFixed(0)} ms, ${((r.lag * camMs) / r.intervalMs).toFixed(2)} processed frames of ${r.intervalMs.toFixed(0)} ms; fit RMS ${r.rms.toFixed(2)} px)`;
    console.log(`lag on a face sliding ${(2 * CLIP.slide * CLIP.out[0]!) / CLIP.width / CLIP.frames} px a frame:`);
    console.log(`  smoothed ${report(smoothed)}`);
    console.log(`  unsmoothed ${report(raw)}`);
    // The track is the motion, delayed: the fit explains it to within a few pixels.
    expect(smoothed.rms).to.be.below(4);
    expect((smoothed.lag - raw.lag) * camMs).to.be.at.most(smoothed.intervalMs);
  });
});
