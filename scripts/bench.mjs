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
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRECISE_MEMORY_ARGS, withHarness } from './browser-harness.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('runs', 30));
/** Pages per runtime and backend, alternating ours and onnxruntime-web; times are pooled (a shared machine is noisy). */
const ROUNDS = Number(arg('rounds', 3));
const STYLES = (arg('styles', 'toon')).split(',');
const BACKENDS = (arg('backends', 'webgpu,webgl,wasm')).split(',');
/** Which build of ours to load: `--dist bench/tmp/dist` measures an older build copied there (for before/after). */
const DIST = arg('dist', 'dist');
const OUT = arg('out', 'bench/results.json');
const WRITE_DOC = OUT === 'bench/results.json';
const WITH_ORT = arg('ort', 'true') !== 'false';

/** Per backend, what onnxruntime-web runs it with: its WebGPU and wasm execution providers (it has no WebGL EP in 1.2x). */
const ORT_EP = { webgpu: 'webgpu', wasm: 'wasm' };

function modelFacts(style) {
  const manifest = JSON.parse(readFileSync(`models/${style}/model.json`, 'utf8'));
  const r = spawnSync('/usr/bin/python3', ['-m', 'training.model', '--config', manifest.config, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`training.model failed: ${r.stderr}`);
  const facts = JSON.parse(r.stdout)[manifest.config];
  return { config: manifest.config, resolution: manifest.resolution, zDim: manifest.architecture.zDim, params: facts.params, gflop: facts.flops.total / 1e9 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

/**
 * Runs in the page before either runtime loads. Counts GPU work submitted while `globalThis.counting` is set,
 * WebGPU compute dispatches and WebGL draw calls, by wrapping the browser's own methods (same for both runtimes).
 */
function installPageHelpers() {
  globalThis.dispatches = 0;
  const wrap = (proto, name) => {
    const f = proto?.[name];
    if (!f) return;
    proto[name] = function (...a) {
      if (globalThis.counting) globalThis.dispatches++;
      return f.apply(this, a);
    };
  };
  wrap(globalThis.GPUComputePassEncoder?.prototype, 'dispatchWorkgroups');
  for (const n of ['drawArrays', 'drawElements']) wrap(globalThis.WebGL2RenderingContext?.prototype, n);

  /**
   * The protocol both runtimes share: the first face (timed from `t0`), 5 warm-up, `runs` timed, then one counted.
   * `one(seed)` generates a face and reads it back.
   */
  globalThis.timeGenerations = async (one, t0, runs) => {
    await one(1);
    const firstFaceMs = performance.now() - t0;
    for (let i = 0; i < 5; i++) await one(100 + i);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await one(1000 + i);
      times.push(performance.now() - s);
    }
    globalThis.counting = true;
    await one(7);
    globalThis.counting = false;
    return { firstFaceMs, times };
  };
}

/** Runs in the page: ours. */
async function benchOurs({ backend, style, runs, zDim, dist }) {
  const t0 = performance.now();
  const bf = await import(`/${dist}/blaze-face.js`);
  const { tf } = bf;
  await bf.ensureBackend(backend);
  const gen = new bf.Generator(await bf.loadModel(`/models/${style}/model.json`));
  const one = async (seed) => {
    const out = gen.generate({ z: bf.seedToZ(seed, zDim), truncation: 1 });
    await out.data();
    out.dispose();
  };
  const { firstFaceMs, times } = await globalThis.timeGenerations(one, t0, runs);
  const prof = await tf.profile(() => gen.generate({ z: bf.seedToZ(7, zDim), truncation: 1 }));
  // Where the time goes, by kernel name (tfjs's own per-kernel timing; where the backend cannot time, 0).
  const byKernel = {};
  for (const k of prof.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel[k.name] = (byKernel[k.name] ?? 0) + ms;
  }
  const topKernels = Object.entries(byKernel).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  const mem = tf.memory();
  tf.dispose(prof.result);
  gen.dispose();
  return {
    backend: tf.getBackend(), times, firstFaceMs, kernels: prof.kernels.length, topKernels,
    dispatches: backend === 'wasm' ? null : globalThis.dispatches,
    gpuBytes: mem.numBytesInGPU ?? null, heapBytes: performance.memory?.usedJSHeapSize ?? null,
  };
}

/** Runs in the page: onnxruntime-web. */
async function benchOrt({ ep, style, runs, zDim }) {
  const t0 = performance.now();
  const ort = await import('/node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs');
  const { seedToZ } = await import('/dist/blaze-face.js');
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  const session = await ort.InferenceSession.create(`/bench/models/${style}.onnx`, { executionProviders: [ep], graphOptimizationLevel: 'all' });
  const one = async (seed) => {
    const out = await session.run({
      z: new ort.Tensor('float32', seedToZ(seed, zDim), [1, zDim]),
      truncation: new ort.Tensor('float32', new Float32Array([1]), [1]),
    });
    await out.rgba.getData();
    out.rgba.dispose();
  };
  const { firstFaceMs, times } = await globalThis.timeGenerations(one, t0, runs);
  await session.release();
  return {
    backend: ep, times, firstFaceMs, kernels: null, dispatches: ep === 'wasm' ? null : globalThis.dispatches,
    gpuBytes: null, heapBytes: performance.memory?.usedJSHeapSize ?? null,
  };
}

/** `fn(args)` in a fresh page (`open` from the browser harness); a failure becomes `{error}` with the page's first error. */
async function inPage(open, fn, args) {
  const errors = [];
  let page;
  try {
    page = await open('/demo/empty.html');
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.evaluate(installPageHelpers);
    return await page.evaluate(fn, args);
  } catch (e) {
    return { error: `${e.message.split('\n')[0]}${errors.length ? ` (${errors[0]})` : ''}` };
  } finally {
    await page?.close();
  }
}

/** Rounds of one runtime -> one result: times pooled, first-face time the median of the rounds. */
function pool(rounds) {
  const bad = rounds.find((r) => r.error);
  if (bad) return bad;
  return { ...rounds[0], times: rounds.flatMap((r) => r.times), firstFaceMs: median(rounds.map((r) => r.firstFaceMs)) };
}

function summarise(r, gflop) {
  if (r.error) return { error: r.error };
  const med = median(r.times);
  return {
    backend: r.backend, medianMs: +med.toFixed(2), p90Ms: +p90(r.times).toFixed(2), runs: r.times.length,
    firstFaceMs: Math.round(r.firstFaceMs), kernels: r.kernels, topKernels: r.topKernels ?? null, dispatches: r.dispatches, gpuBytes: r.gpuBytes, heapBytes: r.heapBytes,
    gflops: +(gflop / (med / 1000)).toFixed(2),
  };
}

// An evaluate covers a whole page's generations: on SwiftShader that can exceed puppeteer's default 180 s.
const results = await withHarness({ args: PRECISE_MEMORY_ARGS, protocolTimeout: 1200000 }, async ({ browser, open }) => {
  const results = { date: new Date().toISOString(), chromium: await browser.version(), dist: DIST, runs: RUNS, rounds: ROUNDS, styles: {} };
  for (const style of STYLES) {
    const facts = modelFacts(style);
    results.styles[style] = { ...facts, backends: {} };
    for (const backend of BACKENDS) {
      const ep = WITH_ORT ? ORT_EP[backend] : undefined;
      const oursRuns = [], ortRuns = [];
      for (let round = 0; round < ROUNDS; round++) {
        oursRuns.push(await inPage(open, benchOurs, { backend, style, runs: RUNS, zDim: facts.zDim, dist: DIST }));
        if (ep) ortRuns.push(await inPage(open, benchOrt, { ep, style, runs: RUNS, zDim: facts.zDim }));
      }
      const ours = summarise(pool(oursRuns), facts.gflop);
      const ort = ep ? summarise(pool(ortRuns), facts.gflop) : null;
      const ratio = ort && !ort.error && !ours.error ? +(ours.medianMs / ort.medianMs).toFixed(2) : null;
      results.styles[style].backends[backend] = { ours, ort, ratio };
      console.log(style, backend, JSON.stringify({ ours, ort, ratio }));
    }
  }
  return results;
});

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
if (!WRITE_DOC) {
  console.log(OUT);
  process.exit(0);
}

const cell = (x, f = (v) => v) => (x === null || x === undefined ? '-' : f(x));
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
const lines = [
  `Run ${results.date.slice(0, 10)}, ${results.chromium}, headless; ${ROUNDS} fresh pages per runtime (alternating), each with ${RUNS} timed generations`,
  'after 5 warm-up, times pooled; first face: median of the pages. Each generation ends with the output read back to',
  'the CPU. Without a GPU here, WebGPU and WebGL run on SwiftShader (the CPU): compare ours with',
  'onnxruntime-web in the same row; the absolute times are not a GPU\'s. onnxruntime-web has no WebGL execution provider.',
  'GPU dispatches: WebGPU compute dispatches or WebGL draw calls in one generation. Both runtimes run single-threaded wasm',
  '(the page is not cross-origin isolated, as most embedding pages are not).',
  '',
  '| style | backend | ours median (p90) ms | onnxruntime-web median (p90) ms | ours / ort | first face ours / ort ms | GPU dispatches ours / ort | tfjs kernels | ours GFLOP/s | ours GPU mem | JS heap ours / ort |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [style, s] of Object.entries(results.styles)) {
  for (const [backend, { ours, ort, ratio }] of Object.entries(s.backends)) {
    const o = ours.error ? { medianMs: `error: ${ours.error}` } : ours;
    const t = !ort ? null : ort.error ? { medianMs: `error: ${ort.error}` } : ort;
    lines.push(`| ${style} (${s.resolution} px, ${s.gflop.toFixed(3)} GFLOP) | ${backend} | ${o.medianMs}${o.p90Ms ? ` (${o.p90Ms})` : ''} | `
      + `${t ? `${t.medianMs}${t.p90Ms ? ` (${t.p90Ms})` : ''}` : '-'} | ${cell(ratio)} | ${cell(o.firstFaceMs)} / ${cell(t?.firstFaceMs)} | `
      + `${cell(o.dispatches)} / ${cell(t?.dispatches)} | ${cell(o.kernels)} | ${cell(o.gflops)} | ${cell(o.gpuBytes, mb)} | ${cell(o.heapBytes, mb)} / ${cell(t?.heapBytes, mb)} |`);
  }
}
const doc = readFileSync('docs/performance.md', 'utf8');
const begin = '<!-- BENCH:BEGIN -->', end = '<!-- BENCH:END -->';
writeFileSync('docs/performance.md', `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${lines.join('\n')}\n${doc.slice(doc.indexOf(end))}`);
console.log('bench/results.json, docs/performance.md');
