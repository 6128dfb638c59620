/**
 * Writes models/mediapipe/face_detector.tflite (see build.ts). Run by `npm run build:face-model`, which
 * `npm run build` and `npm install` (through `prepare`) call; the file is reproducible and not committed.
 *
 *   --check   rebuild in memory and fail unless the file on disk is identical
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OUTPUT, buildFaceDetector, readSource, sha256 } from './build.js';

function main(): void {
  const built = buildFaceDetector(readSource());
  if (process.argv.includes('--check')) {
    const onDisk = new Uint8Array(readFileSync(OUTPUT));
    if (sha256(onDisk) !== sha256(built)) throw new Error(`${OUTPUT} differs from a fresh build: run npm run build:face-model`);
    console.log(`${OUTPUT}: up to date (${built.length} bytes, sha256 ${sha256(built)})`);
    return;
  }
  mkdirSync(dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, built);
  console.log(`${OUTPUT}: ${built.length} bytes, sha256 ${sha256(built)}`);
}

main();
