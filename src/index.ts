/**
 * blaze-face: the `<blaze-face>` element (registered on import), its event types, and everything blaze-face/core
 * has. What the README documents; the parts underneath are in blaze-face/internal, which is unstable.
 */
export { BlazeFaceElement } from './element/blaze-face.js';
export type * from './element/events.js';
export type { LoadingMode } from './core/defaults.js';
export * from './core.js';
