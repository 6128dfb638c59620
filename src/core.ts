/**
 * blaze-face/core: the generator without the element. No DOM, no Lit and no tag registration, so it runs in a
 * Web Worker (drawing to an OffscreenCanvas) as well as on a page. What docs/core.md documents; the parts
 * underneath are in blaze-face/internal, which is unstable.
 */
export {
  createGenerator,
  type CreateGeneratorOptions,
  type FaceOptions,
  type FaceGenerator,
} from './core/create-generator.js';
export { ModelLoadError } from './core/model-format.js';
export type { ModelManifest, Architecture, Landmarks } from './core/model-format.js';
export type { Control, Controls, ControlValues } from './core/controls.js';
export type { BackendName, BackendPreference } from './core/defaults.js';
export { seedToZ } from './core/seed.js';
export { setWasmThreads, wasmThreadsInUse, BackendUnavailableError } from './core/backend.js';
export { setAssetBase, assetBase } from './core/assets.js';
