/**
 * `createGenerator()`: faces without the element. No DOM and no Lit, so it runs in a Web Worker and draws to an
 * OffscreenCanvas as well as on a page.
 */
import { backendInUse, configureWasm, ensureBackend } from './backend.js';
import type { ControlValues } from './controls.js';
import { DEFAULTS, type BackendName, type BackendPreference } from './defaults.js';
import type { GenerateRequest, Generator } from './generator.js';
import { faceRequest } from './face-request.js';
import { drawFace, faceImageData } from './face-pixels.js';
import type { ModelManifest } from './model-format.js';
import { acquireModel, releaseModel } from './model-registry.js';
import { checkBackend, checkLatent, checkSeed, checkStyleUrl, checkTruncation } from './options.js';
import { assets, baseOrDefault, withAssetHint } from './assets.js';

export interface CreateGeneratorOptions {
  /** A bundled style name (`toon`, `sketch`) or the URL of a model.json. Default `toon`. */
  style?: string;
  /** `auto` | `webgpu` | `webgl` | `wasm` | `cpu`: one backend per page or worker, the first request decides. */
  backend?: BackendPreference;
  /** Where the package's assets are served from (see `setAssetBase`); default the base set, else the package folder. */
  assetBase?: string;
  /** Fraction of the model's weight bytes received, 0..1. */
  onProgress?: (fraction: number) => void;
}

/** Which face. `latent` wins over `seed`. */
export interface FaceOptions {
  /** Integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Exactly the model's z dimension of finite numbers. */
  latent?: ArrayLike<number>;
  /** In [0, 1]: 1 keeps the latent, 0 gives the average face. Default 1. */
  truncation?: number;
  /** Seed of a second face for style mixing, from layer `mixLayer` on (default half the layers). */
  mixSeed?: number;
  mixLayer?: number;
  /** A colour (`#rrggbb` or `#rgb`) for the style's skin tone: the nearest tone the style draws. Styles with a `skinTone` control (toon). */
  skinTone?: string;
  /** A colour for the style's hair: the nearest hair colour it draws. Styles with a `hairColor` control (toon). */
  hairColor?: string;
  /** 0 (narrow) to 1 (wide). Styles with a `faceWidth` control (toon). */
  faceWidth?: number;
  /** Any of the style's controls by name (`manifest.controls`, e.g. sketch's `ink`, `paper`, `glasses`, `beard`). */
  controls?: ControlValues;
}

export interface FaceGenerator {
  /**
   * The backend in use. A lost WebGPU device is recovered from in place: the generator goes on, on a new device or
   * else on the next backend in line (then named here).
   */
  readonly backend: BackendName;
  /** Why `auto` chose that backend, or that it was asked for (after a lost device, what took over). */
  readonly backendReason: string;
  readonly resolution: number;
  readonly manifest: ModelManifest;
  /** One face as straight-alpha RGBA, resolution x resolution. */
  imageData(face?: FaceOptions): Promise<ImageData>;
  /** One face, scaled to fill the canvas (an OffscreenCanvas in a worker, or a page's canvas). */
  draw(canvas: OffscreenCanvas | HTMLCanvasElement, face?: FaceOptions): Promise<void>;
  /**
   * Lets go of the model: its tensors are freed once no element or other generator of the same style holds it. The
   * generator cannot be used after.
   */
  dispose(): void;
}

/**
 * Loads a style on the backend and returns a generator for it. Rejects with a message on a bad option or model.
 * Elements and generators of the same style share one copy of its weights (src/core/model-registry.ts).
 */
export async function createGenerator(options: CreateGeneratorOptions = {}): Promise<FaceGenerator> {
  const base = baseOrDefault(options.assetBase);
  const { url } = checkStyleUrl('style', options.style ?? DEFAULTS.faceStyle, base);
  const preference = checkBackend('backend', options.backend ?? DEFAULTS.backend);
  configureWasm(assets.tfjsWasm(base));
  const chosen = await ensureBackend(preference);
  let shared: Generator;
  try {
    shared = await acquireModel(url, options.onProgress, 'generator');
  } catch (e) {
    if (e instanceof Error) e.message = withAssetHint(e.message, url, base);
    throw e;
  }
  const { manifest, resolution } = shared;
  let disposed = false;
  const generator = () => {
    if (disposed) throw new Error('generator: used after dispose()');
    return shared;
  };

  // The face at R x R (src/core/face-pixels.ts draws it there), then scaled into the caller's canvas.
  let staging: OffscreenCanvas | HTMLCanvasElement | null = null;
  const stagingCanvas = () => {
    if (staging) return staging;
    if (typeof OffscreenCanvas !== 'undefined') return (staging = new OffscreenCanvas(resolution, resolution));
    staging = document.createElement('canvas');
    staging.width = staging.height = resolution;
    return staging;
  };

  return {
    get backend() {
      return (backendInUse() ?? chosen).name;
    },
    get backendReason() {
      return (backendInUse() ?? chosen).reason;
    },
    resolution,
    manifest,
    imageData: async (face = {}) => faceImageData(generator(), requestFor(face, manifest)),
    async draw(canvas, face) {
      const req = requestFor(face ?? {}, manifest);
      const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
      if (!ctx) throw new Error('draw: expected a canvas with a 2d context, got one already in another mode');
      const drawn = stagingCanvas();
      await drawFace(
        generator(),
        req,
        drawn.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
      );
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(drawn, 0, 0, canvas.width, canvas.height);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      releaseModel(url, 'generator');
    },
  };
}

function requestFor(face: FaceOptions, manifest: ModelManifest): GenerateRequest {
  const truncation = checkTruncation('truncation', face.truncation ?? DEFAULTS.truncation);
  const { latent } = face;
  const controls: ControlValues = { ...face.controls };
  for (const k of ['skinTone', 'hairColor', 'faceWidth'] as const) if (face[k] !== undefined) controls[k] = face[k];
  return faceRequest(manifest, {
    latent: latent !== undefined ? (zDim) => checkLatent('latent', latent, zDim) : null,
    seed: latent !== undefined ? 0 : checkSeed('seed', face.seed ?? DEFAULTS.seed),
    truncation,
    mixSeed: face.mixSeed === undefined ? null : checkSeed('mixSeed', face.mixSeed),
    mixLayer: face.mixLayer ?? null,
    controls,
  });
}
