/** blaze-face: the `<blaze-face>` element, and the generator core for use without it. */
export { BlazeFaceElement } from './element/blaze-face.js';
export type * from './element/events.js';
export { Generator, unpremultiply, type GenerateRequest } from './core/generator.js';
export { loadModel, validateManifest, expectedShapes, ModelLoadError, MODEL_FORMAT, MODEL_FORMAT_VERSION } from './core/model-format.js';
export type { ModelManifest, LoadedModel, Architecture, Landmarks } from './core/model-format.js';
export { seedToZ, isValidSeed, MAX_SEED } from './core/seed.js';
export { ensureBackend, BackendUnavailableError } from './core/backend.js';
export { acquireModel, releaseModel, modelRefCounts } from './core/model-registry.js';
export { DEFAULTS, BACKENDS, BUNDLED_STYLES } from './core/defaults.js';
export { resolveStyle } from './assets.js';
/** The TensorFlow.js instance the element runs on (for tf.memory() and friends). */
export * as tf from '@tensorflow/tfjs-core';
