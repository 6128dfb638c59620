// dist/blaze-face.js: one ES module with everything a page needs (lit, tfjs core and backends), plus the
// tfjs wasm binaries in dist/wasm/. Models stay in models/ and are fetched relative to the module.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
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
  name: 'copy-tfjs-wasm',
  writeBundle() {
    const from = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    mkdirSync('dist/wasm', { recursive: true });
    for (const f of readdirSync(from).filter((f) => f.endsWith('.wasm'))) copyFileSync(`${from}/${f}`, `dist/wasm/${f}`);
  },
});

// BLAZE_FACE_SIZE=1: our own code only (tfjs external), to report the bundle size without tfjs.
const sizeOnly = !!process.env.BLAZE_FACE_SIZE;

export default {
  input: 'src/index.ts',
  output: sizeOnly
    ? { file: 'dist/size/blaze-face.no-tfjs.js', format: 'es' }
    : { file: 'dist/blaze-face.js', format: 'es', sourcemap: true },
  external: sizeOnly ? (id) => id.startsWith('@tensorflow/') : [],
  plugins: [
    // tfjs-backend-wasm's per-file ESM imports CommonJS emscripten glue; its flat ESM build does not.
    alias('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js'),
    resolve({ browser: true }),
    commonjs(), // tfjs-core's dependencies (long, seedrandom) are CommonJS
    typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true }),
    ...(sizeOnly ? [] : [copyWasm()]),
  ],
  onwarn(w, warn) {
    if (w.code === 'THIS_IS_UNDEFINED' || w.code === 'CIRCULAR_DEPENDENCY') return; // inside tfjs
    warn(w);
  },
};
