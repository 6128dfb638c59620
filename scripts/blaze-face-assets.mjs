#!/usr/bin/env node
// @ts-check
// npx blaze-face-assets <folder>: writes into <folder> everything blaze-face loads at run time, in the layout
// the asset base expects: the models, the tfjs wasm, MediaPipe's wasm and the self-contained module
// (dist/blaze-face.js), all from the package itself.
// The folder is then a complete static deployment (`<script type="module" src="<folder>/dist/blaze-face.js">`
// finds everything beside it), and the asset folder of an app that bundles the package (set
// `BlazeFaceElement.assetBase`, `setAssetBase` or `createGenerator({assetBase})` to its URL).
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dest = process.argv[2];
if (!dest || process.argv.length > 3 || dest.startsWith('-')) {
  console.error('usage: blaze-face-assets <folder>   (for example: public/blaze-face)');
  process.exit(2);
}
/** @type {(message: string) => never} */
const fail = (message) => {
  console.error(`blaze-face-assets: ${message}`);
  process.exit(1);
};
/** @type {(dir: string, test?: (name: string) => boolean) => string[]} */
const list = (dir, test = () => true) => readdirSync(dir).filter(test);

/** @type {string[][]} [from (absolute), to (relative to dest)] */
const files = [];
for (const style of list(join(root, 'models'))) {
  const dir = join('models', style);
  if (style === 'mediapipe') files.push(...list(join(root, dir)).map((f) => [join(root, dir, f), join(dir, f)]));
  else if (existsSync(join(root, dir, 'model.json'))) {
    for (const f of ['model.json', 'weights.bin']) files.push([join(root, dir, f), join(dir, f)]);
  }
}
if (!existsSync(join(root, 'dist/blaze-face.js')))
  fail(`${root}/dist is missing: build the package first (npm run build)`);
for (const dir of ['dist', 'dist/chunks']) {
  files.push(...list(join(root, dir), (f) => f.endsWith('.js')).map((f) => [join(root, dir, f), join(dir, f)]));
}
files.push(
  ...list(join(root, 'dist/wasm'), (f) => f.endsWith('.wasm')).map((f) => [
    join(root, 'dist/wasm', f),
    join('dist/wasm', f),
  ]),
);

// MediaPipe's wasm ships in the package (dist/mediapipe/wasm/), built from the tasks-vision its code was built with.
const vision = join(root, 'dist/mediapipe/wasm');
for (const ext of ['.js', '.wasm']) {
  const f = `vision_wasm_internal${ext}`;
  if (!existsSync(join(vision, f))) fail(`${join(vision, f)} is missing: build the package first (npm run build)`);
  files.push([join(vision, f), `dist/mediapipe/wasm/${f}`]);
}

let bytes = 0;
for (const [from, to] of files) {
  mkdirSync(join(dest, dirname(to)), { recursive: true });
  copyFileSync(from, join(dest, to));
  bytes += statSync(from).size;
}
console.log(
  `blaze-face-assets: ${files.length} files (${(bytes / 1e6).toFixed(1)} MB) -> ${relative(process.cwd(), dest) || '.'}`,
);
