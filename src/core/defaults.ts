/** Every default of the element and the core, in one place. */

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type LoadingMode = 'eager' | 'lazy';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Styles shipped in models/: `face-style="toon"` resolves to models/toon/model.json beside the bundle. */
export const BUNDLED_STYLES = ['toon', 'sketch'] as const;

export const DEFAULTS = {
  seed: 0,
  truncation: 1,
  faceStyle: 'toon',
  backend: 'auto' as BackendPreference,
  loading: 'eager' as LoadingMode,
  /** Delay before a disconnected element frees its model, so that moving it in the DOM does not reload. */
  releaseDelayMs: 1000,
  /** Camera mode (`camera` attribute). */
  camera: {
    maxFaces: 1,
    mirror: true,
    blendOpacity: 1,
    /** Fraction of the face over which its edge fades in. */
    blendFeather: 0.3,
    /** How much of the real face's shading the lens takes: enough to sit in the room, not so much that it goes muddy. */
    blendLighting: 0.5,
    /** The face lens on the face mesh; `box` is the lighter detector-only path. */
    tracking: 'mesh' as 'mesh' | 'box',
    /** Asked of getUserMedia; phones give what they have near it. */
    width: 640,
    height: 480,
    /** tasks-vision delegate: the detector is tiny (128 px input), and on the CPU (XNNPACK) it leaves the GPU to generation and compositing. */
    delegate: 'CPU' as 'CPU' | 'GPU',
    minScore: 0.5,
    /** Tracking: a detection continues a track at this box IoU; a track ends after this many unseen frames. */
    minIou: 0.2,
    maxMissed: 5,
    /**
     * One-Euro smoothing of boxes and landmarks (pixels): cutoff 1 Hz at rest, rising 1 Hz per px/s, so that a
     * moving face is followed at once and a still one holds; tuned on test/camera-steady.test.ts and
     * test/camera-lag.test.ts (figures in docs/camera.md).
     */
    smoothing: { minCutoff: 1, beta: 1, dCutoff: 1 },
  },
};
