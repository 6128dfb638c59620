// @ts-check
/// <reference lib="dom" />
// Generation time per backend in headless Chromium: median and p90 of `renders` renders after 3 warm-up renders,
// each from setting the seed to the face on the visible canvas (generate + draw, then a 1-pixel read of the canvas,
// so that a draw path without a read-back is timed to its end too). Not a test: numbers for the docs.
//   npm run build && node scripts/measure.mjs [renders=20] [backends=webgpu,webgl,wasm,cpu]
// On a machine without a GPU, webgpu and webgl run on SwiftShader (the CPU): compare them with each other only.
import { withHarness } from './browser-harness.mjs';

const renders = Number(process.argv[2] ?? 20);
const backends = (process.argv[3] ?? 'webgpu,webgl,wasm,cpu').split(',');
/** @type {Record<string, unknown>} */
const results = {};
await withHarness({}, async ({ open }) => {
  for (const backend of backends) {
    const page = await open('/demo/empty.html');
    results[backend] = await page.evaluate(
      async (/** @type {string} */ backend, /** @type {number} */ renders) => {
        // @ts-expect-error -- a URL on the page's server, not a module path tsc can follow
        await import('/dist/blaze-face.js');
        const el = /** @type {import('./browser-harness.mjs').BlazeFaceElement} */ (
          document.createElement('blaze-face')
        );
        el.setAttribute('backend', backend);
        /** @type {(name: string) => Promise<any>} */
        const once = (name) =>
          new Promise((r) =>
            el.addEventListener(name, (e) => r(/** @type {CustomEvent} */ (e).detail), { once: true }),
          );
        const loaded = once('blaze-face-load');
        document.body.append(el);
        const load = await loaded;
        const canvas = /** @type {HTMLCanvasElement} */ (el.shadowRoot.querySelector('canvas'));
        /** @type {number[]} */
        const times = [];
        let draw = null;
        for (let i = 1; i <= 3 + renders; i++) {
          const t = performance.now();
          const r = once('blaze-face-render');
          el.seed = i;
          draw = (await r).draw;
          /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).getImageData(0, 0, 1, 1);
          if (i > 3) times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        const p90 = times[Math.ceil(times.length * 0.9) - 1];
        return {
          backend: load.backend,
          draw,
          loadMs: Math.round(load.loadMs),
          medianMs: +times[Math.floor(times.length / 2)].toFixed(1),
          p90Ms: +p90.toFixed(1),
        };
      },
      backend,
      renders,
    );
    console.log(JSON.stringify(results[backend]));
    await page.close();
  }
});
