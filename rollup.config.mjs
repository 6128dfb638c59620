// Two builds of the same sources (src/index.ts: the element; src/core.ts: the generator without it; src/internal.ts:
// the unstable parts underneath, sharing the others' chunks so that a page gets one tfjs and one model registry):
// - dist/blaze-face.js, dist/core.js, dist/internal.js and dist/chunks/: self-contained ES modules for a static
//   host (`<script type="module">`, no bundler): Lit, tfjs core and tasks-vision inside; each tfjs backend and
//   camera mode are chunks loaded only when used.
// - dist/lib/: for bundlers (package.json "exports"): Lit and tfjs stay imports, so an app that has them already
//   gets one copy. tasks-vision stays inside (patched, below).
// Both minified, with sourcemaps beside them (kept out of the tarball). Also copies the wasm binaries that the
// assets base serves: tfjs's to dist/wasm/, MediaPipe's to dist/mediapipe/wasm/.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { transform } from 'esbuild';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';

const alias = (from, to) => ({
  name: 'alias',
  resolveId(id, importer) {
    return id === from ? this.resolve(to, importer, { skipSelf: true }) : null;
  },
});

/** TypeScript by esbuild (types are checked by `tsc` in `npm run build`); `./x.js` imports find `./x.ts`. */
const tsconfig = JSON.parse(readFileSync('tsconfig.json', 'utf8'));
const typescript = () => ({
  name: 'typescript',
  async resolveId(id, importer) {
    if (!importer?.endsWith('.ts') || !id.startsWith('.') || !id.endsWith('.js')) return null;
    return (await this.resolve(id.replace(/\.js$/, '.ts'), importer, { skipSelf: true })) ?? null;
  },
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const out = await transform(code, {
      loader: 'ts',
      target: 'es2022',
      sourcemap: true,
      sourcefile: id,
      tsconfigRaw: { compilerOptions: tsconfig.compilerOptions },
    });
    return { code: out.code, map: out.map };
  },
});

const minify = () => ({
  name: 'minify',
  async renderChunk(code, chunk) {
    const out = await transform(code, {
      minify: true,
      format: 'esm',
      target: 'es2022',
      sourcemap: true,
      sourcefile: chunk.fileName,
    });
    return { code: out.code, map: out.map };
  },
});

// src/core/assets.ts finds the package folder from its own URL: the build writes each output file's way up to it.
const ROOT_MARK = '__BLAZE_FACE_PACKAGE_ROOT__';
const packageRoot = (outDir) => ({
  name: 'package-root',
  transform(code, id) {
    if (!id.endsWith('/src/core/assets.ts')) return null;
    const out = code.replace("const ROOT_FROM_HERE = '../../';", `const ROOT_FROM_HERE = '${ROOT_MARK}';`);
    if (out === code) this.error('src/core/assets.ts: ROOT_FROM_HERE not found');
    return { code: out, map: null };
  },
  renderChunk(code, chunk) {
    if (!code.includes(ROOT_MARK)) return null;
    const up = relative(dirname(resolvePath(outDir, chunk.fileName)), resolvePath('.')) || '.';
    return { code: code.replaceAll(ROOT_MARK, `${up}/`), map: null };
  },
});

const copyWasm = () => ({
  name: 'copy-wasm',
  writeBundle() {
    const tfjs = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    mkdirSync('dist/wasm', { recursive: true });
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      copyFileSync(`${tfjs}/${f}`, `dist/wasm/${f}`);
    }
    // Only the SIMD build: every browser with WebGPU or a recent WebGL has wasm SIMD (src/camera/vision-wasm.ts
    // says so when it is missing).
    const mp = 'node_modules/@mediapipe/tasks-vision/wasm';
    mkdirSync('dist/mediapipe/wasm', { recursive: true });
    for (const ext of ['.js', '.wasm'])
      copyFileSync(`${mp}/vision_wasm_internal${ext}`, `dist/mediapipe/wasm/vision_wasm_internal${ext}`);
  },
});

// tasks-vision posts usage logs (task name, timings) to a Google endpoint, on a timer and when a task closes.
// A product that promises nothing leaves the device cannot allow that, and tasks-vision has no switch: the
// build replaces the one call that sends them with a no-op, and fails if it cannot find exactly that call
// (a new tasks-vision version must be looked at). This is why tasks-vision is inside both builds.
const LOG_SEND = /([\w$.]+)\.send\(\{url:"https:\/\/odml\.pa\.googleapis\.com\/v1\/log"/g;
const noUsageLogs = () => ({
  name: 'no-mediapipe-usage-logs',
  transform(code, id) {
    if (!id.includes('@mediapipe/tasks-vision')) return null;
    const n = (code.match(LOG_SEND) || []).length;
    if (n !== 1) this.error(`tasks-vision: expected one usage-log send call to disable, found ${n}`);
    const out = code.replace(LOG_SEND, '(() => {})({url:"about:blank"');
    if (/https?:\/\//.test(out))
      this.error('tasks-vision: an http(s) URL is still referenced after disabling usage logs');
    return { code: out, map: null };
  },
});

// tasks-vision imports its wasm loader by URL at run time (in a worker): an app's bundler must leave that import
// alone, and say nothing about it. After minifying, which drops comments.
const IMPORT_BY_URL = /await import\(([\w$]+)\.toString\(\)\)/g;
const bundlersIgnoreImportByUrl = () => ({
  name: 'bundlers-ignore-import-by-url',
  renderChunk(code) {
    const out = code.replace(IMPORT_BY_URL, 'await import(/* webpackIgnore: true */ /* @vite-ignore */ $1.toString())');
    return out === code ? null : { code: out, map: null };
  },
});

const onwarn = (w, warn) => {
  if (w.code === 'THIS_IS_UNDEFINED' || w.code === 'CIRCULAR_DEPENDENCY') return; // inside tfjs
  warn(w);
};

const build = ({ outDir, entryNames, external, extra = [] }) => ({
  input: { [entryNames]: 'src/index.ts', core: 'src/core.ts', internal: 'src/internal.ts' },
  output: {
    dir: outDir,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    format: 'es',
    sourcemap: true,
  },
  external,
  plugins: [
    {
      name: 'clean-chunks', // chunk names carry hashes: drop old ones
      buildStart: () => rmSync(`${outDir}/chunks`, { recursive: true, force: true }),
    },
    // tfjs-backend-wasm's per-file ESM imports CommonJS emscripten glue; its flat ESM build does not.
    alias('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js'),
    noUsageLogs(),
    packageRoot(outDir), // before TypeScript: it finds the line as written
    typescript(),
    resolve({ browser: true }),
    commonjs(), // tfjs-core's dependencies (long, seedrandom) are CommonJS
    minify(),
    bundlersIgnoreImportByUrl(),
    ...extra,
  ],
  onwarn,
});

export default [
  build({ outDir: 'dist', entryNames: 'blaze-face', external: [], extra: [copyWasm()] }),
  build({ outDir: 'dist/lib', entryNames: 'index', external: (id) => /^(lit|@lit\/|@tensorflow\/)/.test(id) }),
];
