/**
 * The offline face detector: @mediapipe/face_detection's short-range BlazeFace model with the TFLite Metadata
 * that tasks-vision's FaceDetector requires. A pure function of the source bytes (cli.ts writes the file).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { attachMetadata, buildMetadata } from './tflite-metadata.js';

/** The input we know; a different file means a different package version, which must be looked at. */
export const SOURCE = {
  module: '@mediapipe/face_detection/face_detection_short_range.tflite',
  sha256: '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
};
export const OUTPUT = 'models/mediapipe/face_detector.tflite';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The detector with metadata, from the source model's bytes. */
export function buildFaceDetector(source: Uint8Array): Uint8Array {
  const got = sha256(source);
  if (got !== SOURCE.sha256) {
    throw new Error(`${SOURCE.module}: expected sha256 ${SOURCE.sha256}, got ${got} (package changed? check the model)`);
  }
  const metadata = buildMetadata({
    name: 'face_detection_short_range',
    description: 'BlazeFace short-range face detector (128x128 input), with metadata added by blaze-face.',
    version: '1',
    author: 'Google (model); blaze-face (metadata)',
    license: 'Apache-2.0',
    // The detector takes RGB in [-1, 1].
    input: { mean: 127.5, std: 127.5, min: -1, max: 1 },
  });
  return attachMetadata(source, metadata);
}

export function readSource(): Uint8Array {
  return new Uint8Array(readFileSync(createRequire(import.meta.url).resolve(SOURCE.module)));
}
