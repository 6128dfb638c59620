/**
 * Writes models/mediapipe/face_detector.tflite and models/mediapipe/face_landmarker.task (see build.ts). Run by
 * `npm run build:face-model`, which `npm run build` and `npm install` (through `prepare`) call; the files are
 * reproducible and not committed.
 *
 *   --check   rebuild in memory and fail unless the files on disk are identical
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildAll, sha256 } from './build.js';

function main(): void {
  const check = process.argv.includes('--check');
  for (const { path, bytes } of buildAll()) {
    if (check) {
      const onDisk = existsSync(path) ? sha256(new Uint8Array(readFileSync(path))) : 'missing';
      if (onDisk !== sha256(bytes)) throw new Error(`${path} differs from a fresh build: run npm run build:face-model`);
      console.log(`${path}: up to date (${bytes.length} bytes, sha256 ${sha256(bytes)})`);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    console.log(`${path}: ${bytes.length} bytes, sha256 ${sha256(bytes)}`);
  }
}

main();
