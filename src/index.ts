/** blaze-face: the `<blaze-face>` element (registered on import), and everything blaze-face/core has. */
export { BlazeFaceElement } from './element/blaze-face.js';
export type * from './element/events.js';
export * from './core.js';
/** Diagnostics: how many elements hold each loaded model (by model.json URL). */
export { modelRefCounts } from './core/model-registry.js';
