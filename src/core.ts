/**
 * blaze-face/core: the generator without the element. No DOM, no Lit and no tag registration, so it runs in a
 * Web Worker (drawing to an OffscreenCanvas) as well as on a page.
 */
export {
  createGenerator,
  type CreateGeneratorOptions,
  type FaceOptions,
  type FaceGenerator,
} from './core/create-generator.js';
export { Generator, unpremultiply, type GenerateRequest } from './core/generator.js';
export {
  loadModel,
  validateManifest,
  expectedShapes,
  ModelLoadError,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
} from './core/model-format.js';
export type { ModelManifest, LoadedModel, Architecture, Landmarks } from './core/model-format.js';
export type { Control, Controls, ControlValues } from './core/controls.js';
export { seedToZ, isValidSeed, MAX_SEED } from './core/seed.js';
export { ensureBackend, setWasmThreads, wasmThreadsInUse, BackendUnavailableError } from './core/backend.js';
export { drawFace, drawPath, faceImageData, type DrawPath } from './core/face-pixels.js';
export { DEFAULTS, BACKENDS, BUNDLED_STYLES } from './core/defaults.js';
export { setAssetBase, assetBase, resolveStyle } from './core/assets.js';
/** The TensorFlow.js instance the generator runs on (for tf.memory() and friends). */
export * as tf from '@tensorflow/tfjs-core';
