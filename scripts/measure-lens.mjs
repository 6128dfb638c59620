// @ts-check
/// <reference lib="dom" />
// How the face lens holds up, in headless Chromium with the fake camera (clips from scripts/fake-camera.mjs):
//   faces   faces found by mesh and by box tracking on group photos with small faces: when the count is first
//           reached, its share of frames, and the time to find them again after max-faces goes to 1 and back.
// Not a test: numbers for the docs and the closing notes.
//   npm run build && node scripts/measure-lens.mjs faces [seconds]
import { fakeCameraArgs, withBrowser, withServer } from './browser-harness.mjs';

const mode = process.argv[2] ?? 'faces';
if (mode !== 'faces') throw new Error(`measure-lens: expected the mode "faces", got "${mode}"`);
const seconds = Number(process.argv[3] ?? 20);
/** @type {[clip: string, maxFaces: number][]} */
const runs = [
  ['three-faces', 3],
  ['group-small', 6],
];

await withServer(async (origin) => {
  for (const [clip, maxFaces] of runs)
    for (const tracking of ['mesh', 'box']) {
      await withBrowser({ args: fakeCameraArgs(clip) }, async (browser) => {
        const page = await browser.newPage();
        await page.goto(`${origin}/demo/empty.html`);
        const r = await page.evaluate(
          async (/** @type {number} */ maxFaces, /** @type {number} */ seconds, /** @type {string} */ tracking) => {
            // @ts-expect-error -- a URL on the page's server, not a module path tsc can follow
            await import('/dist/blaze-face.js');
            const el = document.createElement('blaze-face');
            const detail = (/** @type {Event} */ e) => /** @type {CustomEvent} */ (e).detail;
            for (const [k, v] of Object.entries({ camera: '', 'max-faces': maxFaces, seed: 11, tracking }))
              el.setAttribute(k, String(v));
            el.addEventListener('blaze-face-error', (e) => console.error(JSON.stringify(detail(e))));
            /** @type {{ at: number; n: number }[]} */
            const seen = [];
            el.addEventListener('blaze-face-track', (e) =>
              seen.push({ at: performance.now(), n: detail(e).faces.length }),
            );
            document.body.append(el);
            const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
            while (seen.length === 0) await sleep(100);
            const t0 = seen[0].at;
            await sleep(seconds * 1000);
            const run = seen.slice();
            const most = Math.max(...run.map((s) => s.n));
            const first = /** @type {{ at: number }} */ (run.find((s) => s.n === most));
            const late = run.filter((s) => s.at - t0 > 2000);
            // max-faces to 1 for two seconds, then back: how long until every face is found again.
            el.setAttribute('max-faces', '1');
            await sleep(2000);
            const back = performance.now();
            el.setAttribute('max-faces', String(maxFaces));
            const from = seen.length;
            while (performance.now() - back < 15000 && !seen.slice(from).some((s) => s.n === most)) await sleep(50);
            const again = seen.slice(from).find((s) => s.n === most);
            el.remove();
            return {
              frames: run.length,
              mostFaces: most,
              firstAtS: +((first.at - t0) / 1000).toFixed(2),
              shareWithMost: +(late.filter((s) => s.n === most).length / late.length).toFixed(3),
              medianAfter2s: [...late.map((s) => s.n)].sort((a, b) => a - b)[Math.floor(late.length / 2)],
              againAfterMaxFacesS: again ? +((again.at - back) / 1000).toFixed(2) : null,
            };
          },
          maxFaces,
          seconds,
          tracking,
        );
        console.log(JSON.stringify({ clip, maxFaces, tracking, ...r }));
      });
    }
});
