// dist/blaze-face.js: the ES module a page imports (lit, tfjs core and backends), plus dist/chunks/ (camera
// mode with MediaPipe, loaded only when `camera` is set), the tfjs wasm binaries in dist/wasm/ and MediaPipe's in
// dist/mediapipe/wasm/. Models stay in models/ and are fetched relative to the module.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

const alias = (from, to) => ({
  name: 'alias',
  resolveId(id, importer) {
    return id === from ? this.resolve(to, importer, { skipSelf: true }) : null;
  },
});

const copyWasm = () => ({
  name: 'copy-wasm',
  buildStart() {
    rmSync('dist/chunks', { recursive: true, force: true }); // chunk names carry hashes: drop old ones
  },
  writeBundle() {
    const tfjs = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    mkdirSync('dist/wasm', { recursive: true });
    for (const f of readdirSync(tfjs).filter((f) => f.endsWith('.wasm'))) copyFileSync(`${tfjs}/${f}`, `dist/wasm/${f}`);
    // tasks-vision picks the SIMD build where the browser has it, else the plain one.
    const mp = 'node_modules/@mediapipe/tasks-vision/wasm';
    mkdirSync('dist/mediapipe/wasm', { recursive: true });
    for (const f of ['vision_wasm_internal', 'vision_wasm_nosimd_internal']) {
      for (const ext of ['.js', '.wasm']) copyFileSync(`${mp}/${f}${ext}`, `dist/mediapipe/wasm/${f}${ext}`);
    }
  },
});

// tasks-vision posts usage logs (task name, timings) to a Google endpoint, on a timer and when a task closes.
// A product that promises nothing leaves the device cannot allow that, and tasks-vision has no switch: the
// build replaces the one call that sends them with a no-op, and fails if it cannot find exactly that call
// (a new tasks-vision version must be looked at). test/camera.test.ts checks that no request leaves the page.
const LOG_SEND = /([\w$.]+)\.send\(\{url:"https:\/\/odml\.pa\.googleapis\.com\/v1\/log"/g;
const noUsageLogs = () => ({
  name: 'no-mediapipe-usage-logs',
  transform(code, id) {
    if (!id.includes('@mediapipe/tasks-vision')) return null;
    const n = (code.match(LOG_SEND) || []).length;
    if (n !== 1) this.error(`tasks-vision: expected one usage-log send call to disable, found ${n}`);
    const out = code.replace(LOG_SEND, '(() => {})({url:"about:blank"');
    if (/https?:\/\//.test(out)) this.error('tasks-vision: an http(s) URL is still referenced after disabling usage logs');
    return { code: out, map: null };
  },
});

// BLAZE_FACE_SIZE=1: our own code only (tfjs external), to report the bundle size without tfjs.
const sizeOnly = !!process.env.BLAZE_FACE_SIZE;

export default {
  input: 'src/index.ts',
  output: sizeOnly
    ? { dir: 'dist/size', entryFileNames: 'blaze-face.no-tfjs.js', chunkFileNames: 'chunks/[name]-[hash].js', format: 'es' }
    : { dir: 'dist', entryFileNames: 'blaze-face.js', chunkFileNames: 'chunks/[name]-[hash].js', format: 'es', sourcemap: true },
  external: sizeOnly ? (id) => id.startsWith('@tensorflow/') : [],
  plugins: [
    // tfjs-backend-wasm's per-file ESM imports CommonJS emscripten glue; its flat ESM build does not.
    alias('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js'),
    noUsageLogs(),
    resolve({ browser: true }),
    commonjs(), // tfjs-core's dependencies (long, seedrandom) are CommonJS
    typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: sizeOnly ? 'dist/size' : 'dist', sourceMap: !sizeOnly }),
    ...(sizeOnly ? [] : [copyWasm()]),
  ],
  onwarn(w, warn) {
    if (w.code === 'THIS_IS_UNDEFINED' || w.code === 'CIRCULAR_DEPENDENCY') return; // inside tfjs
    warn(w);
  },
};
