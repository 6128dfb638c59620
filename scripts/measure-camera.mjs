// Camera mode per frame in headless Chromium with the fake camera (640x480 clips from scripts/fake-camera.mjs):
// medians of detect ms (landmarks with mesh tracking), composite ms and frame ms from blaze-face-track, and the
// end-to-end rate of processed frames, with one face and with three, for mesh and box tracking in one run.
// Also writes docs/camera-<clip>-<tracking>.png, captures of the composited view. Not a test: numbers for the docs.
//   npm run build && node scripts/measure-camera.mjs [frames] [clip ...]
// Without a GPU, WebGL (the compositor) and WebGPU (the generator) run on SwiftShader, on the CPU.
import { writeFileSync } from 'node:fs';
import { fakeCameraArgs, withBrowser, withServer } from './browser-harness.mjs';

const frames = Number(process.argv[2] ?? 150);
const runs = [
  ['one-face', 1],
  ['three-faces', 3],
  ['open-mouth', 1],
];
const TRACKING = ['mesh', 'box'];
const only = process.argv.slice(3);
const results = [];
await withServer(async (origin) => {
  // A fresh browser per run: Chromium's fake camera plays the clip it was started with.
  for (const [clip, maxFaces] of only.length ? only.map((c) => runs.find((r) => r[0] === c)) : runs)
    for (const tracking of TRACKING) {
      await withBrowser({ args: fakeCameraArgs(clip) }, async (browser) => {
        const page = await browser.newPage();
        await page.goto(`${origin}/demo/empty.html`);
        const r = await page.evaluate(
          async (maxFaces, frames, tracking) => {
            await import('/dist/blaze-face.js');
            const el = document.createElement('blaze-face');
            el.setAttribute('camera', '');
            el.setAttribute('max-faces', String(maxFaces));
            el.setAttribute('seed', '11');
            el.setAttribute('tracking', tracking);
            el.style.width = '640px';
            const load = new Promise((r) => el.addEventListener('blaze-face-load', (e) => r(e.detail), { once: true }));
            el.addEventListener('blaze-face-error', (e) => console.error(JSON.stringify(e.detail)));
            document.body.append(el);
            const { backend } = await load;
            const seen = [];
            await new Promise((resolve) =>
              el.addEventListener('blaze-face-track', function on(e) {
                // Warm-up: from the first frame with every face tracked and overlaid, 30 more frames.
                if (seen.length === 0 && (e.detail.faces.length < maxFaces || !e.detail.faces.every((f) => f.overlaid)))
                  return;
                seen.push({ ...e.detail, at: performance.now() });
                if (seen.length >= 30 + frames) {
                  el.removeEventListener('blaze-face-track', on);
                  resolve();
                }
              }),
            );
            const run = seen.slice(30);
            const median = (xs) => {
              const s = [...xs].sort((a, b) => a - b);
              return +s[Math.floor(s.length / 2)].toFixed(1);
            };
            const blob = await el.capture();
            const png = await new Promise((r) => {
              const reader = new FileReader();
              reader.onload = () => r(String(reader.result).split(',')[1]);
              reader.readAsDataURL(blob);
            });
            return {
              backend,
              tracking: run.at(-1).tracking,
              frames: run.length,
              facesMedian: median(run.map((t) => t.faces.length)),
              detectMs: median(run.map((t) => t.detectMs)),
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
