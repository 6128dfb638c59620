/**
 * The offline MediaPipe models, as pure functions of source bytes from npm packages (cli.ts writes the files):
 *
 * - face_detector.tflite: @mediapipe/face_detection's short-range BlazeFace model with the TFLite Metadata
 *   that tasks-vision's FaceDetector requires.
 * - face_landmarker.task: the bundle tasks-vision's FaceLandmarker loads, a stored zip of that detector, the
 *   lite face landmark model from @mediapipe/face_mesh extended to tasks' two outputs (landmark-model.ts) and
 *   the canonical face geometry from @mediapipe/face_mesh (for the facial transformation matrix).
 *
 * Every input is pinned by sha256: a different file means a different package version, to be looked at.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildLandmarkModel } from './landmark-model.js';
import { extractPackedFile } from './packed-assets.js';
import { attachMetadata, buildMetadata } from './tflite-metadata.js';
import { writeStoredZip } from './zip.js';

/** What `npm run build:face-model` writes (not committed: rebuilt by `npm install` and `npm run build`). */
export const DETECTOR_OUTPUT = 'models/mediapipe/face_detector.tflite';
export const LANDMARKER_OUTPUT = 'models/mediapipe/face_landmarker.task';

/** The entry names tasks-vision's FaceLandmarker looks for inside face_landmarker.task. */
export const LANDMARKER_ENTRIES = {
  detector: 'face_detector.tflite',
  landmarks: 'face_landmarks_detector.tflite',
  geometry: 'geometry_pipeline_metadata_landmarks.binarypb',
} as const;

/** The detector's source model. */
export const SOURCE = {
  module: '@mediapipe/face_detection/face_detection_short_range.tflite',
  sha256: '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
};

/** @mediapipe/face_mesh's packed assets and the files taken out of them. */
export const FACE_MESH = {
  loader: '@mediapipe/face_mesh/face_mesh_solution_packed_assets_loader.js',
  data: '@mediapipe/face_mesh/face_mesh_solution_packed_assets.data',
  landmarks: {
    name: 'face_landmark.tflite',
    sha256: 'c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1',
  },
  geometry: {
    name: 'geometry_pipeline_metadata_landmarks.binarypb',
    sha256: 'bdbcda96dfcb7da883da124aaa2c55dee49770d934f0fcc71747f8c21bdc75b4',
  },
} as const;

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function pinned(what: string, bytes: Uint8Array, expected: string): Uint8Array {
  const got = sha256(bytes);
  if (got !== expected)
    throw new Error(`${what}: expected sha256 ${expected}, got ${got} (package changed? check the model)`);
  return bytes;
}

/** The detector with metadata, from the source model's bytes. */
export function buildFaceDetector(source: Uint8Array): Uint8Array {
  pinned(SOURCE.module, source, SOURCE.sha256);
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

export interface LandmarkerSources {
  /** The detector's source model (SOURCE). */
  detector: Uint8Array;
  /** face_landmark.tflite and the geometry file, out of @mediapipe/face_mesh. */
  landmarks: Uint8Array;
  geometry: Uint8Array;
}

/** face_landmarker.task from its sources. */
export function buildFaceLandmarker(s: LandmarkerSources): Uint8Array {
  pinned(`${FACE_MESH.data}: ${FACE_MESH.landmarks.name}`, s.landmarks, FACE_MESH.landmarks.sha256);
  pinned(`${FACE_MESH.data}: ${FACE_MESH.geometry.name}`, s.geometry, FACE_MESH.geometry.sha256);
  return writeStoredZip([
    { name: LANDMARKER_ENTRIES.detector, data: buildFaceDetector(s.detector) },
    { name: LANDMARKER_ENTRIES.landmarks, data: buildLandmarkModel(s.landmarks) },
    { name: LANDMARKER_ENTRIES.geometry, data: s.geometry },
  ]);
}

const resolve = (module: string) => createRequire(import.meta.url).resolve(module);

export function readSource(): Uint8Array {
  return new Uint8Array(readFileSync(resolve(SOURCE.module)));
}

export function readLandmarkerSources(): LandmarkerSources {
  const loader = readFileSync(resolve(FACE_MESH.loader), 'utf8');
  const data = new Uint8Array(readFileSync(resolve(FACE_MESH.data)));
  return {
    detector: readSource(),
    landmarks: extractPackedFile(loader, data, FACE_MESH.landmarks.name),
    geometry: extractPackedFile(loader, data, FACE_MESH.geometry.name),
  };
}

/** Every output file and its bytes, built from the installed packages. */
export function buildAll(): { path: string; bytes: Uint8Array }[] {
  return [
    { path: DETECTOR_OUTPUT, bytes: buildFaceDetector(readSource()) },
    { path: LANDMARKER_OUTPUT, bytes: buildFaceLandmarker(readLandmarkerSources()) },
  ];
}
