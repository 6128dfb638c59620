// @ts-check
/// <reference lib="dom" />
// Camera mode per frame in headless Chromium with the fake camera (640x480 clips from scripts/fake-camera.mjs):
// medians of detect ms (landmarks with mesh tracking; frames face tracking read), composite ms and frame ms from
// blaze-face-track, the share of predicted frames, and the end-to-end rate of processed frames, with one face and
// with three, for mesh and box tracking in one run.
// Also writes docs/camera-<clip>-<tracking>.png, captures of the composited view. Not a test: numbers for the docs.
//   npm run build && node scripts/measure-camera.mjs [frames] [clip ...]
// Without a GPU, WebGL (the compositor) and WebGPU (the generator) run on SwiftShader, on the CPU.
import { writeFileSync } from 'node:fs';
import { fakeCameraArgs, withBrowser, withServer } from './browser-harness.mjs';

const frames = Number(process.argv[2] ?? 150);
/** @type {[clip: string, maxFaces: number][]} */
const runs = [
  ['one-face', 1],
  ['three-faces', 3],
  ['open-mouth', 1],
];
const TRACKING = ['mesh', 'box'];
const only = process.argv.slice(3);
/** @type {object[]} */
const results = [];
await withServer(async (origin) => {
  // A fresh browser per run: Chromium's fake camera plays the clip it was started with.
  // A clip not in `runs` fails here, as it always has: destructuring undefined.
  for (const [clip, maxFaces] of only.length
    ? only.map((c) => /** @type {[string, number]} */ (runs.find((r) => r[0] === c)))
    : runs)
    for (const tracking of TRACKING) {
      await withBrowser({ args: fakeCameraArgs(clip) }, async (browser) => {
        const page = await browser.newPage();
        await page.goto(`${origin}/demo/empty.html`);
        const r = await page.evaluate(
          async (/** @type {number} */ maxFaces, /** @type {number} */ frames, /** @type {string} */ tracking) => {
            // @ts-expect-error -- a URL on the page's server, not a module path tsc can follow
            await import('/dist/blaze-face.js');
            const el = /** @type {import('./browser-harness.mjs').BlazeFaceElement} */ (
              document.createElement('blaze-face')
            );
            /** @typedef {{ faces: { overlaid: boolean }[], tracking: string, detectMs: number, compositeMs: number, frameMs: number, predicted: boolean }} Track */
            const detail = (/** @type {Event} */ e) => /** @type {CustomEvent} */ (e).detail;
            el.setAttribute('camera', '');
            el.setAttribute('max-faces', String(maxFaces));
            el.setAttribute('seed', '11');
            el.setAttribute('tracking', tracking);
            el.style.width = '640px';
            /** @type {Promise<{ backend: string }>} */
            const load = new Promise((r) =>
              el.addEventListener('blaze-face-load', (e) => r(detail(e)), { once: true }),
            );
            el.addEventListener('blaze-face-error', (e) => console.error(JSON.stringify(detail(e))));
            document.body.append(el);
            const { backend } = await load;
            /** @type {(Track & { at: number })[]} */
            const seen = [];
            /** @type {Promise<void>} */
            const warmed = new Promise((resolve) =>
              el.addEventListener('blaze-face-track', function on(e) {
                /** @type {Track} */
                const t = detail(e);
                // Warm-up: from the first frame with every face tracked and overlaid, 30 more frames.
                if (seen.length === 0 && (t.faces.length < maxFaces || !t.faces.every((f) => f.overlaid))) return;
                seen.push({ ...t, at: performance.now() });
                if (seen.length >= 30 + frames) {
                  el.removeEventListener('blaze-face-track', on);
                  resolve();
                }
              }),
            );
            await warmed;
            const run = seen.slice(30);
            const median = (/** @type {number[]} */ xs) => {
              const s = [...xs].sort((a, b) => a - b);
              return +s[Math.floor(s.length / 2)].toFixed(1);
            };
            const blob = await el.capture();
            /** @type {string} */
            const png = await new Promise((r) => {
              const reader = new FileReader();
              reader.onload = () => r(String(reader.result).split(',')[1]);
              reader.readAsDataURL(blob);
            });
            return {
              backend,
              tracking: run[run.length - 1].tracking,
              frames: run.length,
              facesMedian: median(run.map((t) => t.faces.length)),
              // Face tracking's time in the frames it read; `predicted`: the share of frames it did not read.
              detectMs: median(run.filter((t) => !t.predicted).map((t) => t.detectMs)),
              predicted: +(run.filter((t) => t.predicted).length / run.length).toFixed(3),
              compositeMs: median(run.map((t) => t.compositeMs)),
              frameMs: median(run.map((t) => t.frameMs)),
              fps: +((1000 * (run.length - 1)) / (run[run.length - 1].at - run[0].at)).toFixed(1),
              png,
            };
          },
          maxFaces,
          frames,
          tracking,
        );
        const { png, ...numbers } = r;
        writeFileSync(`docs/camera-${clip}-${tracking}.png`, Buffer.from(png, 'base64'));
        results.push({ clip, resolution: '640x480', maxFaces, ...numbers });
        console.log(JSON.stringify(results.at(-1)));
      });
    }
});
