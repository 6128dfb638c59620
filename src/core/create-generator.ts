/**
 * `createGenerator()`: faces without the element. No DOM and no Lit, so it runs in a Web Worker and draws to an
 * OffscreenCanvas as well as on a page.
 */
import { configureWasm, ensureBackend } from './backend.js';
import { DEFAULTS, type BackendName, type BackendPreference } from './defaults.js';
import { Generator, type GenerateRequest } from './generator.js';
import { drawFace, faceImageData } from './face-pixels.js';
import { loadModel, type ModelManifest } from './model-format.js';
import { isValidSeed, seedToZ } from './seed.js';
import { assets, baseOrDefault, looksLikeStyleName, resolveStyle, withAssetHint } from '../assets.js';
import { BUNDLED_STYLES } from './defaults.js';

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
}

export interface FaceGenerator {
  readonly backend: BackendName;
  /** Why `auto` chose that backend, or that it was asked for. */
  readonly backendReason: string;
  readonly resolution: number;
  readonly manifest: ModelManifest;
  /** One face as straight-alpha RGBA, resolution x resolution. */
  imageData(face?: FaceOptions): Promise<ImageData>;
  /** One face, scaled to fill the canvas (an OffscreenCanvas in a worker, or a page's canvas). */
  draw(canvas: OffscreenCanvas | HTMLCanvasElement, face?: FaceOptions): Promise<void>;
  /** Frees the model's tensors; the generator cannot be used after. */
  dispose(): void;
}

/** Loads a style on the backend and returns a generator for it. Rejects with a message on a bad option or model. */
export async function createGenerator(options: CreateGeneratorOptions = {}): Promise<FaceGenerator> {
  const style = options.style ?? DEFAULTS.faceStyle;
  if (typeof style !== 'string' || style === '')
    throw new TypeError(`style: expected a style name or a model.json URL, got ${JSON.stringify(style)}`);
  if (looksLikeStyleName(style) && !(BUNDLED_STYLES as readonly string[]).includes(style)) {
    throw new TypeError(`style: expected one of ${BUNDLED_STYLES.join(', ')} or a model.json URL, got "${style}"`);
  }
  const base = baseOrDefault(options.assetBase);
  configureWasm(assets.tfjsWasm(base));
  const { name: backend, reason: backendReason } = await ensureBackend(options.backend ?? DEFAULTS.backend);
  const url = resolveStyle(style, base);
  let model;
  try {
    model = await loadModel(url, { onProgress: options.onProgress });
  } catch (e) {
    if (e instanceof Error) e.message = withAssetHint(e.message, url, base);
    throw e;
  }
  const generator = new Generator(model);
  const { manifest, resolution } = generator;

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
    backend,
    backendReason,
    resolution,
    manifest,
    imageData: async (face = {}) => faceImageData(generator, requestFor(face, manifest)),
    async draw(canvas, face) {
      const req = requestFor(face ?? {}, manifest);
      const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
      if (!ctx) throw new Error('draw: expected a canvas with a 2d context, got one already in another mode');
      const drawn = stagingCanvas();
      await drawFace(
        generator,
        req,
        drawn.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
      );
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(drawn, 0, 0, canvas.width, canvas.height);
    },
    dispose: () => generator.dispose(),
  };
}

function requestFor(face: FaceOptions, manifest: ModelManifest): GenerateRequest {
  const { zDim, numWs } = manifest.architecture;
  const truncation = face.truncation ?? DEFAULTS.truncation;
  if (typeof truncation !== 'number' || !(truncation >= 0 && truncation <= 1)) {
    throw new RangeError(`truncation: expected a number in [0, 1], got ${String(truncation)}`);
  }
  let z: Float32Array;
  if (face.latent !== undefined) {
    const n = face.latent?.length;
    if (n !== zDim) throw new RangeError(`latent: expected ${zDim} numbers, got ${String(n)}`);
    z = Float32Array.from(face.latent);
    if (!z.every(Number.isFinite)) throw new RangeError('latent: expected finite numbers, got NaN or Infinity');
  } else {
    z = seedToZ(checkSeed('seed', face.seed ?? DEFAULTS.seed), zDim);
  }
  if (face.mixSeed === undefined) return { z, truncation };
  const mixLayer = face.mixLayer ?? Math.floor(numWs / 2);
  if (!Number.isInteger(mixLayer) || mixLayer < 0 || mixLayer > numWs) {
    throw new RangeError(`mixLayer: expected an integer in [0, ${numWs}], got ${String(mixLayer)}`);
  }
  return { z, truncation, mixZ: seedToZ(checkSeed('mixSeed', face.mixSeed), zDim), mixLayer };
}

function checkSeed(name: string, seed: unknown): number {
  if (!isValidSeed(seed)) throw new RangeError(`${name}: expected an integer in [0, 4294967295], got ${String(seed)}`);
  return seed;
}
