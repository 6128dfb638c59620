// @ts-check
/// <reference lib="dom" />
// `npm run bench`: generation speed of <blaze-face>'s generator against onnxruntime-web running the same weights
// (bench/models/<style>.onnx, exported by training/export_onnx.py), in headless Chromium. Not a test.
// Writes bench/results.json and docs/performance.md (the table between the BENCH markers).
//
//   npm run build && npm run bench [-- --runs 30 --rounds 3 --backends webgpu,webgl,wasm --styles toon]
//   ... -- --dist bench/tmp/dist --out bench/tmp/before.json --ort false   (an older build, for before/after)
//
// Per style and backend, each runtime gets a fresh page: the first face from a cold page (module import, backend,
// model load, first generation), then 5 warm-up and `runs` timed generations, each with a new z and ending with
// the output read back to the CPU (the same sync point for both runtimes). Then one more generation counts the
// GPU work it submits (WebGPU compute dispatches, WebGL draw calls) and tfjs's kernels. On a machine without a GPU, WebGPU and WebGL run
// on SwiftShader (the CPU): the ratios compare efficiency in one run; the absolute times are not a GPU's.
// Then, per backend, animate mode (benchAnimate): the element's frame beside the bare generation, in one page; and
// once, tfjs's threaded wasm build with 1 and 2 threads in cross-origin-isolated pages (benchThreads).
//   ... -- --animate false --threads ''   (skip those)   --blocks 5 --frames '{"wasm":10}'   (their sizes)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRECISE_MEMORY_ARGS, withHarness } from './browser-harness.mjs';

/** @type {(name: string, dflt: string | number) => string} */
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : String(dflt);
};
const RUNS = Number(arg('runs', 30));
/** Pages per runtime and backend, alternating ours and onnxruntime-web; times are pooled (a shared machine is noisy). */
const ROUNDS = Number(arg('rounds', 3));
const STYLES = arg('styles', 'toon').split(',');
const BACKENDS = arg('backends', 'webgpu,webgl,wasm').split(',');
/** Which build of ours to load: `--dist bench/tmp/dist` measures an older build copied there (for before/after). */
const DIST = arg('dist', 'dist');
const OUT = arg('out', 'bench/results.json');
const WRITE_DOC = OUT === 'bench/results.json';
const WITH_ORT = arg('ort', 'true') !== 'false';
/** Animate mode beside the bare generation (benchAnimate): `--animate false` skips it. */
const ANIMATE = arg('animate', 'true') !== 'false';
/** Blocks of frames per kind in animate mode; frames per block by backend (SwiftShader's GPUs take seconds a face). */
const BLOCKS = Number(arg('blocks', 5));
/** @type {Record<string, number>} */
const FRAMES = { webgpu: 2, webgl: 3, wasm: 10, cpu: 2, ...JSON.parse(arg('frames', '{}')) };
/** Thread counts of the threaded wasm build to compare in cross-origin-isolated pages; `--threads ''` skips them. */
const THREADS = arg('threads', '1,2').split(',').filter(Boolean).map(Number);

/** Per backend, what onnxruntime-web runs it with: its WebGPU and wasm execution providers (it has no WebGL EP in 1.2x). */
/** @type {Record<string, string>} */
const ORT_EP = { webgpu: 'webgpu', wasm: 'wasm' };

/** @param {string} style */
function modelFacts(style) {
  const manifest = JSON.parse(readFileSync(`models/${style}/model.json`, 'utf8'));
  const r = spawnSync(
    process.env.PYTHON || 'python3',
    ['-m', 'training.model', '--config', manifest.config, '--json'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`training.model failed: ${r.stderr}`);
  const facts = JSON.parse(r.stdout)[manifest.config];
  return {
    config: manifest.config,
    resolution: manifest.resolution,
    zDim: manifest.architecture.zDim,
    params: facts.params,
    gflop: facts.flops.total / 1e9,
  };
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (/** @type {number[]} */ xs) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

/** @typedef {import('./browser-harness.mjs').Page} Page */
/** A page's run that threw: inPage's `{error}`. */
/** @typedef {{ error: string }} Failure */
/** @type {(r: object) => r is Failure} */
const failed = (r) => Boolean(/** @type {{ error?: string }} */ (r).error);
/**
 * One page's generations, ours or onnxruntime-web's.
 * @typedef {{
 *   backend: string, times: number[], firstFaceMs: number, kernels: number | null, topKernels?: string[],
 *   dispatches: number | null, gpuBytes: number | null, heapBytes: number | null,
 * }} Generations
 */
/**
 * The page's globals these scripts use: installPageHelpers's, WebGPU's encoder (not in tsc's DOM lib) and
 * Chromium's performance.memory.
 * @typedef {typeof globalThis & {
 *   dispatches: number,
 *   counting?: boolean,
 *   timeGenerations(
 *     one: (seed: number) => Promise<void>, t0: number, runs: number,
 *   ): Promise<{ firstFaceMs: number, times: number[] }>,
 *   GPUComputePassEncoder?: { prototype: object },
 *   performance: { memory?: { usedJSHeapSize: number } },
 * }} BenchPage
 */

/**
 * Runs in the page before either runtime loads. Counts GPU work submitted while `globalThis.counting` is set,
 * WebGPU compute dispatches and WebGL draw calls, by wrapping the browser's own methods (same for both runtimes).
 */
function installPageHelpers() {
  const win = /** @type {BenchPage} */ (globalThis);
  win.dispatches = 0;
  /** @type {(proto: Record<string, any> | undefined, name: string) => void} */
  const wrap = (proto, name) => {
    const f = proto?.[name];
    if (!proto || !f) return;
    proto[name] = /** @this {unknown} */ function (/** @type {unknown[]} */ ...a) {
      if (win.counting) win.dispatches++;
      return f.apply(this, a);
    };
  };
  wrap(win.GPUComputePassEncoder?.prototype, 'dispatchWorkgroups');
  for (const n of ['drawArrays', 'drawElements']) wrap(win.WebGL2RenderingContext?.prototype, n);

  /**
   * The protocol both runtimes share: the first face (timed from `t0`), 5 warm-up, `runs` timed, then one counted.
   * `one(seed)` generates a face and reads it back.
   */
  win.timeGenerations = async (one, t0, runs) => {
    await one(1);
    const firstFaceMs = performance.now() - t0;
    for (let i = 0; i < 5; i++) await one(100 + i);
    /** @type {number[]} */
    const times = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await one(1000 + i);
      times.push(performance.now() - s);
    }
    win.counting = true;
    await one(7);
    win.counting = false;
    return { firstFaceMs, times };
  };
}

/**
 * Runs in the page: ours.
 * @param {{ backend: string, style: string, runs: number, zDim: number, dist: string }} options
 * @returns {Promise<Generations>}
 */
async function benchOurs({ backend, style, runs, zDim, dist }) {
  const win = /** @type {BenchPage} */ (globalThis);
  const t0 = performance.now();
  // The generator's parts are in internal.js; a build from before it split off (--dist) has them in blaze-face.js.
  const bf = await import(`/${dist}/internal.js`).catch(() => import(`/${dist}/blaze-face.js`));
  const { tf } = bf;
  await bf.ensureBackend(backend);
  const gen = new bf.Generator(await bf.loadModel(`/models/${style}/model.json`));
  const one = async (/** @type {number} */ seed) => {
    const out = gen.generate({ z: bf.seedToZ(seed, zDim), truncation: 1 });
    await out.data();
    out.dispose();
  };
  const { firstFaceMs, times } = await win.timeGenerations(one, t0, runs);
  // A latent not generated before: the profile includes the mapping, which a repeated latent skips.
  const prof = await tf.profile(() => gen.generate({ z: bf.seedToZ(8, zDim), truncation: 1 }));
  // Where the time goes, by kernel name (tfjs's own per-kernel timing; where the backend cannot time, 0).
  /** @type {Record<string, number>} */
  const byKernel = {};
  for (const k of prof.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel[k.name] = (byKernel[k.name] ?? 0) + ms;
  }
  const topKernels = Object.entries(byKernel)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  const mem = tf.memory();
  tf.dispose(prof.result);
  gen.dispose();
  return {
    backend: tf.getBackend(),
    times,
    firstFaceMs,
    kernels: prof.kernels.length,
    topKernels,
    dispatches: backend === 'wasm' ? null : win.dispatches,
    gpuBytes: mem.numBytesInGPU ?? null,
    heapBytes: win.performance.memory?.usedJSHeapSize ?? null,
  };
}

/**
 * Runs in the page: onnxruntime-web.
 * @param {{ ep: string, style: string, runs: number, zDim: number }} options
 * @returns {Promise<Generations>}
 */
async function benchOrt({ ep, style, runs, zDim }) {
  const win = /** @type {BenchPage} */ (globalThis);
  const t0 = performance.now();
  // @ts-expect-error -- a URL on the page's server, not a module path tsc can follow
  const ort = await import('/node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs');
  // @ts-expect-error -- a URL on the page's server, not a module path tsc can follow
  const { seedToZ } = await import('/dist/blaze-face.js');
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  const session = await ort.InferenceSession.create(`/bench/models/${style}.onnx`, {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
  });
  const one = async (/** @type {number} */ seed) => {
    const out = await session.run({
      z: new ort.Tensor('float32', seedToZ(seed, zDim), [1, zDim]),
      truncation: new ort.Tensor('float32', new Float32Array([1]), [1]),
    });
    await out.rgba.getData();
    out.rgba.dispose();
  };
  const { firstFaceMs, times } = await win.timeGenerations(one, t0, runs);
  await session.release();
  return {
    backend: ep,
    times,
    firstFaceMs,
    kernels: null,
    dispatches: ep === 'wasm' ? null : win.dispatches,
    gpuBytes: null,
    heapBytes: win.performance.memory?.usedJSHeapSize ?? null,
  };
}

/**
 * Runs in the page: animate mode, as demo/demo.js's Animate does it (a new `latent` on the element each frame), in
 * the same page as the bare generation it is compared with. Blocks of `frames` alternate: bare generations (generate,
 * read back), element frames (set the latent, wait for blaze-face-render) and display-paced element frames (then also
 * wait for the next animation frame, as the demo does). A block is timed as a whole and ends with a read of the
 * visible canvas, so that a draw path without a read-back is timed to its last pixel too.
 * @param {{ backend: string, style: string, frames: number, blocks: number, dist: string, zDim: number }} options
 */
async function benchAnimate({ backend, style, frames, blocks, dist, zDim }) {
  await import(`/${dist}/blaze-face.js`);
  const bf = await import(`/${dist}/internal.js`).catch(() => import(`/${dist}/blaze-face.js`));
  const { tf } = bf;
  const el = /** @type {import('./browser-harness.mjs').BlazeFaceElement} */ (document.createElement('blaze-face'));
  el.setAttribute('backend', backend);
  el.setAttribute('face-style', `/models/${style}/model.json`); // the repository's models, whichever build `dist` is
  const detail = (/** @type {Event} */ e) => /** @type {CustomEvent} */ (e).detail;
  /** @type {() => Promise<{ draw: string }>} */
  const rendered = () =>
    new Promise((resolve, reject) => {
      el.addEventListener('blaze-face-render', (e) => resolve(detail(e)), { once: true });
      el.addEventListener('blaze-face-error', (e) => reject(new Error(detail(e).message)), { once: true });
    });
  let next = rendered();
  document.body.append(el);
  await next;
  const gen = new bf.Generator(await bf.loadModel(`/models/${style}/model.json`));
  const canvas = /** @type {HTMLCanvasElement} */ (el.shadowRoot.querySelector('canvas'));
  const sync = () => /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).getImageData(0, 0, 1, 1);
  // The demo's walk: a great circle between two latents, 200 steps a quarter turn.
  const a = bf.seedToZ(1, zDim),
    b = bf.seedToZ(2, zDim);
  let step = 0;
  const latent = () => {
    const t = ((step++ % 200) / 200) * (Math.PI / 2);
    return Array.from(a, (v, i) => (v * Math.cos(t) + b[i] * Math.sin(t)).toFixed(4)).join(',');
  };
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  let draw = null;
  const kinds = {
    bare: async () => {
      const out = gen.generate({ z: bf.seedToZ(step++, zDim), truncation: 1 });
      await out.data();
      out.dispose();
    },
    element: async () => {
      next = rendered();
      el.setAttribute('latent', latent());
      draw = (await next).draw;
    },
    paced: async () => {
      await kinds.element();
      await frame();
    },
  };
  for (const one of Object.values(kinds)) await one(); // warm-up
  const tensors = tf.memory().numTensors;
  /** @type {Record<string, number[]>} */
  const perFrame = { bare: [], element: [], paced: [] };
  for (let k = 0; k < blocks; k++) {
    for (const [kind, one] of Object.entries(kinds)) {
      const t = performance.now();
      for (let i = 0; i < frames; i++) await one();
      sync();
      perFrame[kind].push((performance.now() - t) / frames);
    }
  }
  const tensorGrowth = tf.memory().numTensors - tensors;
  gen.dispose();
  return { backend: tf.getBackend(), draw, perFrame, tensorGrowth };
}

/**
 * Runs in a cross-origin-isolated page: bare generations (generate, read back) on tfjs's threaded wasm build with
 * `threads` threads.
 * @param {{ threads: number, style: string, runs: number, dist: string, zDim: number }} options
 */
async function benchThreads({ threads, style, runs, dist, zDim }) {
  const win = /** @type {BenchPage} */ (globalThis);
  const bf = await import(`/${dist}/internal.js`).catch(() => import(`/${dist}/blaze-face.js`));
  if (!crossOriginIsolated) throw new Error('the page is not cross-origin isolated');
  bf.setWasmThreads(threads);
  await bf.ensureBackend('wasm');
  const gen = new bf.Generator(await bf.loadModel(`/models/${style}/model.json`));
  const one = async (/** @type {number} */ seed) => {
    const out = gen.generate({ z: bf.seedToZ(seed, zDim), truncation: 1 });
    await out.data();
    out.dispose();
  };
  const { times } = await win.timeGenerations(one, performance.now(), runs);
  gen.dispose();
  const binary = performance
    .getEntriesByType('resource')
    .map((e) => e.name.slice(e.name.lastIndexOf('/') + 1))
    .find((n) => n.endsWith('.wasm'));
  return { threads: bf.wasmThreadsInUse(), binary, times };
}

/**
 * `fn(args)` in a fresh page (`open` from the browser harness); a failure becomes `{error}` with the page's first error.
 * @template A, R
 * @param {(path: string) => Promise<Page>} open
 * @param {(args: A) => Promise<R>} fn
 * @param {A} args
 * @returns {Promise<R | Failure>}
 */
async function inPage(open, fn, args) {
  /** @type {string[]} */
  const errors = [];
  /** @type {Page | undefined} */
  let page;
  try {
    page = await open('/demo/empty.html');
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.evaluate(installPageHelpers);
    // puppeteer's types cannot follow a generic page function: fn's own signature says what comes back.
    const evaluate = /** @type {(args: unknown) => Promise<R>} */ (fn);
    return /** @type {R} */ (await page.evaluate(evaluate, args));
  } catch (e) {
    return { error: `${/** @type {Error} */ (e).message.split('\n')[0]}${errors.length ? ` (${errors[0]})` : ''}` };
  } finally {
    await page?.close();
  }
}

/**
 * Rounds of one runtime -> one result: times pooled, first-face time the median of the rounds.
 * @param {(Generations | Failure)[]} rounds
 * @returns {Generations | Failure}
 */
function pool(rounds) {
  const bad = rounds.find(failed);
  if (bad) return bad;
  const ok = /** @type {Generations[]} */ (rounds);
  return { ...ok[0], times: ok.flatMap((r) => r.times), firstFaceMs: median(ok.map((r) => r.firstFaceMs)) };
}

/** @param {Awaited<ReturnType<typeof benchAnimate>> | Failure} r */
function summariseAnimate(r) {
  if (failed(r)) return { error: r.error };
  const med = Object.fromEntries(Object.entries(r.perFrame).map(([k, v]) => [k, +median(v).toFixed(2)]));
  return {
    backend: r.backend,
    draw: r.draw,
    bareMs: med.bare,
    elementMs: med.element,
    pacedMs: med.paced,
    elementOverBare: +(med.element / med.bare).toFixed(2),
    pacedOverBare: +(med.paced / med.bare).toFixed(2),
    facesPerSecond: +(1000 / med.paced).toFixed(1),
    tensorGrowth: r.tensorGrowth,
    blocks: r.perFrame,
  };
}

/** @param {(Awaited<ReturnType<typeof benchThreads>> | Failure)[]} rounds */
function summariseThreads(rounds) {
  const bad = rounds.find(failed);
  if (bad) return { error: bad.error };
  const ok = /** @type {Awaited<ReturnType<typeof benchThreads>>[]} */ (rounds);
  const times = ok.flatMap((r) => r.times);
  return {
    threads: ok[0].threads,
    binary: ok[0].binary,
    medianMs: +median(times).toFixed(2),
    p90Ms: +p90(times).toFixed(2),
    runs: times.length,
  };
}

/**
 * @param {Generations | Failure} r
 * @param {number} gflop
 */
function summarise(r, gflop) {
  if (failed(r)) return { error: r.error };
  const med = median(r.times);
  return {
    backend: r.backend,
    medianMs: +med.toFixed(2),
    p90Ms: +p90(r.times).toFixed(2),
    runs: r.times.length,
    firstFaceMs: Math.round(r.firstFaceMs),
    kernels: r.kernels,
    topKernels: r.topKernels ?? null,
    dispatches: r.dispatches,
    gpuBytes: r.gpuBytes,
    heapBytes: r.heapBytes,
    gflops: +(gflop / (med / 1000)).toFixed(2),
  };
}

// An evaluate covers a whole page's generations: on SwiftShader that can exceed puppeteer's default 180 s.
const results = await withHarness(
  { args: PRECISE_MEMORY_ARGS, protocolTimeout: 1200000 },
  async ({ browser, open, openIsolated }) => {
    /**
     * @type {{
     *   date: string, chromium: string, dist: string, runs: number, rounds: number, blocks: number,
     *   styles: Record<string, ReturnType<typeof modelFacts> & { backends: Record<string, {
     *     ours: ReturnType<typeof summarise>, ort: ReturnType<typeof summarise> | null, ratio: number | null,
     *     animate: ReturnType<typeof summariseAnimate> | null,
     *   }> }>,
     *   threads: { style: string, byThreads: Record<string, ReturnType<typeof summariseThreads>> } | null,
     * }}
     */
    const results = {
      date: new Date().toISOString(),
      chromium: await browser.version(),
      dist: DIST,
      runs: RUNS,
      rounds: ROUNDS,
      blocks: BLOCKS,
      styles: {},
      threads: null,
    };
    for (const style of STYLES) {
      const facts = modelFacts(style);
      results.styles[style] = { ...facts, backends: {} };
      for (const backend of BACKENDS) {
        const ep = WITH_ORT ? ORT_EP[backend] : undefined;
        const oursRuns = [],
          ortRuns = [];
        for (let round = 0; round < ROUNDS; round++) {
          oursRuns.push(await inPage(open, benchOurs, { backend, style, runs: RUNS, zDim: facts.zDim, dist: DIST }));
          if (ep) ortRuns.push(await inPage(open, benchOrt, { ep, style, runs: RUNS, zDim: facts.zDim }));
        }
        const ours = summarise(pool(oursRuns), facts.gflop);
        const ort = ep ? summarise(pool(ortRuns), facts.gflop) : null;
        const ratio = ort && !failed(ort) && !failed(ours) ? +(ours.medianMs / ort.medianMs).toFixed(2) : null;
        const animate = ANIMATE
          ? summariseAnimate(
              await inPage(open, benchAnimate, {
                backend,
                style,
                frames: FRAMES[backend] ?? 10,
                blocks: BLOCKS,
                dist: DIST,
                zDim: facts.zDim,
              }),
            )
          : null;
        results.styles[style].backends[backend] = { ours, ort, ratio, animate };
        console.log(style, backend, JSON.stringify({ ours, ort, ratio, animate }));
      }
      if (THREADS.length && BACKENDS.includes('wasm')) {
        // Pages alternate between the thread counts, as ours and onnxruntime-web do above.
        /** @type {Record<number, (Awaited<ReturnType<typeof benchThreads>> | Failure)[]>} */
        const runs = Object.fromEntries(THREADS.map((n) => [n, []]));
        for (let round = 0; round < ROUNDS; round++) {
          for (const n of THREADS)
            runs[n].push(
              await inPage(openIsolated, benchThreads, { threads: n, style, runs: RUNS, dist: DIST, zDim: facts.zDim }),
            );
        }
        results.threads = { style, byThreads: Object.fromEntries(THREADS.map((n) => [n, summariseThreads(runs[n])])) };
        console.log(style, 'wasm threads', JSON.stringify(results.threads));
      }
    }
    return results;
  },
);

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
if (!WRITE_DOC) {
  console.log(OUT);
  process.exit(0);
}

/**
 * A table cell: `-` for no value.
 * @template T
 * @param {T | null | undefined} x
 * @param {(v: T) => unknown} [f]
 */
const cell = (x, f = (v) => v) => (x === null || x === undefined ? '-' : f(x));
const mb = (/** @type {number} */ b) => `${(b / 2 ** 20).toFixed(1)} MB`;
const lines = [
  `Run ${results.date.slice(0, 10)}, ${results.chromium}, headless; ${ROUNDS} fresh pages per runtime (alternating), each with ${RUNS} timed generations`,
  'after 5 warm-up, times pooled; first face: median of the pages. Each generation ends with the output read back to',
  'the CPU. Without a GPU here, WebGPU and WebGL run on SwiftShader (the CPU): compare ours with',
  "onnxruntime-web in the same row; the absolute times are not a GPU's. onnxruntime-web has no WebGL execution provider.",
  'GPU dispatches: WebGPU compute dispatches or WebGL draw calls in one generation. Both runtimes run single-threaded wasm',
  '(the page is not cross-origin isolated, as most embedding pages are not).',
  '',
  '| style | backend | ours median (p90) ms | onnxruntime-web median (p90) ms | ours / ort | first face ours / ort ms | GPU dispatches ours / ort | tfjs kernels | ours GFLOP/s | ours GPU mem | JS heap ours / ort |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [style, s] of Object.entries(results.styles)) {
  for (const [backend, { ours, ort, ratio }] of Object.entries(s.backends)) {
    /**
     * A runtime's cells: its summary, or its error where the median goes.
     * @typedef {Partial<Omit<Exclude<ReturnType<typeof summarise>, Failure>, 'medianMs' | 'error'>> & { medianMs?: number | string }} Row
     */
    /** @type {Row} */
    const o = ours.error ? { medianMs: `error: ${ours.error}` } : ours;
    /** @type {Row | null} */
    const t = !ort ? null : ort.error ? { medianMs: `error: ${ort.error}` } : ort;
    lines.push(
      `| ${style} (${s.resolution} px, ${s.gflop.toFixed(3)} GFLOP) | ${backend} | ${o.medianMs}${o.p90Ms ? ` (${o.p90Ms})` : ''} | ` +
        `${t ? `${t.medianMs}${t.p90Ms ? ` (${t.p90Ms})` : ''}` : '-'} | ${cell(ratio)} | ${cell(o.firstFaceMs)} / ${cell(t?.firstFaceMs)} | ` +
        `${cell(o.dispatches)} / ${cell(t?.dispatches)} | ${cell(o.kernels)} | ${cell(o.gflops)} | ${cell(o.gpuBytes, mb)} | ${cell(o.heapBytes, mb)} / ${cell(t?.heapBytes, mb)} |`,
    );
  }
}
lines.push(
  '',
  `Animate mode (demo/demo.js's Animate: a new \`latent\` on the element every frame), per backend in one page: ${BLOCKS} blocks`,
  'of each kind in turn, each timed whole and ended by a read of the visible canvas; medians of the blocks, ms a frame.',
  'Bare generation: generate and read back, no element. Element frame: set the latent, wait for `blaze-face-render`.',
  'Display-paced: then also wait for the next animation frame, as the demo does; faces/s from it. Draw path: how the',
  'face reached the canvas (src/core/face-pixels.ts). Tensor growth: tfjs tensors after the blocks minus before.',
  '',
  '| style | backend | draw path | bare generation | element frame (/ bare) | display-paced frame (/ bare) | faces/s | tensor growth |',
  '|---|---|---|---|---|---|---|---|',
);
for (const [style, s] of Object.entries(results.styles)) {
  for (const [backend, { animate: a }] of Object.entries(s.backends)) {
    if (!a) continue;
    if (a.error) lines.push(`| ${style} | ${backend} | error: ${a.error} | | | | | |`);
    else
      lines.push(
        `| ${style} | ${backend} | ${a.draw} | ${a.bareMs} | ${a.elementMs} (${a.elementOverBare}) | ${a.pacedMs} (${a.pacedOverBare}) | ${a.facesPerSecond} | ${a.tensorGrowth} |`,
      );
  }
}
if (results.threads) {
  const t = results.threads.byThreads;
  const one = t[1]?.medianMs;
  lines.push(
    '',
    `tfjs's threaded wasm build (\`${t[THREADS[0]]?.binary ?? '-'}\`) in cross-origin-isolated pages (COOP/COEP), ${results.threads.style},`,
    `${ROUNDS} pages per thread count (alternating), bare generation with read-back; threads as tfjs reports them.`,
    '',
    '| threads asked | threads in use | median (p90) ms | speed-up over 1 thread |',
    '|---|---|---|---|',
    ...THREADS.map((n) =>
      failed(t[n])
        ? `| ${n} | error: ${t[n].error} | | |`
        : `| ${n} | ${t[n].threads} | ${t[n].medianMs} (${t[n].p90Ms}) | ${one ? (one / t[n].medianMs).toFixed(2) : '-'} |`,
    ),
  );
}
const doc = readFileSync('docs/performance.md', 'utf8');
const begin = '<!-- BENCH:BEGIN -->',
  end = '<!-- BENCH:END -->';
writeFileSync(
  'docs/performance.md',
  `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${lines.join('\n')}\n${doc.slice(doc.indexOf(end))}`,
);
console.log('bench/results.json, docs/performance.md');
