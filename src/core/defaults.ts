/** Every default of the element and the core, in one place. */

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type LoadingMode = 'eager' | 'lazy';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Styles shipped in models/: `face-style="toon"` resolves to models/toon/model.json beside the bundle. */
export const BUNDLED_STYLES = ['toon'] as const;

export const DEFAULTS = {
  seed: 0,
  truncation: 1,
  faceStyle: 'toon',
  backend: 'auto' as BackendPreference,
  loading: 'eager' as LoadingMode,
  /** Delay before a disconnected element frees its model, so that moving it in the DOM does not reload. */
  releaseDelayMs: 1000,
};
