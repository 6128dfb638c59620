/**
 * blaze-face/internal: everything blaze-face/core has, and the parts underneath the element and createGenerator,
 * for tests, benchmarks and apps that want the generator's tensors themselves. UNSTABLE: what this adds to
 * blaze-face/core may change or go in any release, patch releases included; semver covers only `blaze-face` and
 * `blaze-face/core`. No DOM, no Lit and no tag registration.
 */
export * from './core.js';
export { Generator, type GenerateRequest } from './core/generator.js';
export {
  loadModel,
  validateManifest,
  expectedShapes,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type LoadedModel,
} from './core/model-format.js';
export { ensureBackend } from './core/backend.js';
export { drawFace, drawPath, faceImageData, unpremultiply, type DrawPath } from './core/face-pixels.js';
export { isValidSeed, MAX_SEED } from './core/seed.js';
export { DEFAULTS, BACKENDS, BUNDLED_STYLES } from './core/defaults.js';
export { resolveStyle } from './core/assets.js';
/** How many elements hold each loaded model (by model.json URL). */
export { modelRefCounts } from './core/model-registry.js';
/** The TensorFlow.js instance the generator runs on (for tf.memory() and friends). */
export * as tf from '@tensorflow/tfjs-core';
