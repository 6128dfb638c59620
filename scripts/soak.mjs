// @ts-check
/// <reference lib="dom" />
// Steady state: the element in animate mode (a new latent every frame, as the demo's Animate does) for N frames,
// recording tfjs tensors and bytes, JS heap and the element's DOM canvases every 1000 frames. Not a test.
//   npm run build && node scripts/soak.mjs [frames=10000] [backend=wasm]     -> bench/soak-<backend>.json
// The backend decides the draw path (src/core/face-pixels.ts): wasm and cpu draw through the CPU, webgl without a
// read-back; each sample says which path drew the frame before it.
import { writeFileSync } from 'node:fs';
import { EXPOSE_GC_ARGS, PRECISE_MEMORY_ARGS, withHarness } from './browser-harness.mjs';

const frames = Number(process.argv[2] ?? 10000);
const backend = process.argv[3] ?? 'wasm';
/** @typedef {{ frame: number, draw: string, numTensors: number, numBytes: number, heapBytes: number, at: number }} Sample */
/**
 * The page's side: exposeFunction's bindings, V8's gc() (EXPOSE_GC_ARGS) and Chromium's performance.memory.
 * @typedef {typeof globalThis & {
 *   soakSample(sample: Sample): Promise<void>,
 *   soakDone(error: string | null): Promise<void>,
 *   gc?: () => void,
 *   performance: { memory: { usedJSHeapSize: number } },
 * }} SoakPage
 */
// The page reports each sample as it is taken (soakSample) and the end (soakDone); the file is rewritten each time, so
// a soak cut short keeps what it measured. No protocol call spans the soak (a WebGL soak takes over an hour here).
await withHarness({ args: [...PRECISE_MEMORY_ARGS, ...EXPOSE_GC_ARGS] }, async ({ open }) => {
  const page = await open('/demo/empty.html');
  /** @type {Sample[]} */
  const samples = [];
  const save = () =>
    writeFileSync(`bench/soak-${backend}.json`, `${JSON.stringify({ frames, backend, samples }, null, 2)}\n`);
  /** @type {() => void} */
  let finish = () => {};
  /** @type {(error: Error) => void} */
  let fail = () => {};
  /** @type {Promise<void>} */
  const done = new Promise((resolve, reject) => ([finish, fail] = [resolve, reject]));
  await page.exposeFunction('soakSample', (/** @type {Sample} */ sample) => {
    samples.push(sample);
    save();
    console.log(
      `frame ${sample.frame}: ${sample.draw} draw path, ${sample.numTensors} tensors, ${(sample.heapBytes / 2 ** 20).toFixed(1)} MB heap`,
    );
  });
  await page.exposeFunction('soakDone', (/** @type {string | null} */ error) =>
    error ? fail(new Error(error)) : finish(),
  );
  await page.evaluate(
    (/** @type {number} */ frames, /** @type {string} */ backend) => {
      const win = /** @type {SoakPage} */ (globalThis);
      (async () => {
        // @ts-expect-error -- a URL on the page's server, not a module path tsc can follow
        await import('/dist/blaze-face.js');
        // @ts-expect-error -- the same
        const { tf, seedToZ } = await import('/dist/internal.js');
        const el = document.createElement('blaze-face');
        el.setAttribute('backend', backend);
        /** @type {() => Promise<{ draw: string }>} */
        const rendered = () =>
          new Promise((r) =>
            el.addEventListener('blaze-face-render', (e) => r(/** @type {CustomEvent} */ (e).detail), { once: true }),
          );
        let next = rendered();
        document.body.append(el);
        let draw = (await next).draw;
        const a = seedToZ(1, 64),
          b = seedToZ(2, 64);
        for (let f = 0; f <= frames; f++) {
          if (f % 1000 === 0) {
            win.gc?.();
            const m = tf.memory();
            await win.soakSample({
              frame: f,
              draw,
              numTensors: m.numTensors,
              numBytes: m.numBytes,
              heapBytes: win.performance.memory.usedJSHeapSize,
              at: performance.now(),
            });
          }
          const t = (((f % 200) / 200) * Math.PI) / 2;
          next = rendered();
          el.setAttribute(
            'latent',
            Array.from(a, (v, i) => (v * Math.cos(t) + b[i] * Math.sin(t)).toFixed(4)).join(','),
          );
          draw = (await next).draw;
          await new Promise((r) => requestAnimationFrame(r));
        }
      })().then(
        () => win.soakDone(null),
        (e) => win.soakDone(String(e?.stack ?? e)),
      );
    },
    frames,
    backend,
  );
  await done;
  const first = samples[0],
    last = /** @type {Sample} */ (samples.at(-1));
  console.log(
    `soak ${frames} frames on ${backend}, ${last.draw} draw path: tensors ${first.numTensors} -> ${last.numTensors}, bytes ${first.numBytes} -> ${last.numBytes}, heap ${(first.heapBytes / 2 ** 20).toFixed(1)} -> ${(last.heapBytes / 2 ** 20).toFixed(1)} MB, ${((last.at - first.at) / frames).toFixed(1)} ms/frame`,
  );
});
