/**
 * Where the package's own files live, relative to this module: models/, the tfjs wasm binaries and MediaPipe's.
 * This file sits one folder below the package root both as source (src/) and bundled (dist/), so the same
 * relative URLs hold for both.
 */
import { BUNDLED_STYLES } from './core/defaults.js';

export const MODELS_BASE = new URL('../models/', import.meta.url).href;
export const WASM_BASE = new URL('../dist/wasm/', import.meta.url).href;
/**
 * Camera mode: the face detector (box tracking) and the FaceLandmarker bundle (mesh tracking), both built by
 * `npm run build:face-model`, and tasks-vision's wasm (copied by rollup).
 */
export const FACE_MODEL_URL = new URL('../models/mediapipe/face_detector.tflite', import.meta.url).href;
export const FACE_LANDMARKER_URL = new URL('../models/mediapipe/face_landmarker.task', import.meta.url).href;
export const MEDIAPIPE_WASM_BASE = new URL('../dist/mediapipe/wasm/', import.meta.url).href;

/** A bundled style name -> its model.json URL; anything else is taken as a URL (relative to the page). */
export function resolveStyle(style: string): string {
  if ((BUNDLED_STYLES as readonly string[]).includes(style)) return new URL(`${style}/model.json`, MODELS_BASE).href;
  return new URL(style, document.baseURI).href;
}

/** A bare word that is not a bundled style is almost certainly a typo, not a relative URL. */
export function looksLikeStyleName(style: string): boolean {
  return /^[a-z][a-z0-9-]*$/i.test(style) && !style.includes('.');
}
