/**
 * Attribute validation: each returns the parsed value or throws AttributeError saying what was expected and
 * what arrived. The element keeps its last good face when one throws.
 */
import { BACKENDS, type BackendPreference, type LoadingMode } from '../core/defaults.js';
import { MAX_SEED, isValidSeed } from '../core/seed.js';

/** Each face costs a detection slot and a generated texture; more than a few is no longer real time on phones. */
export const MAX_FACES = 8;

export class AttributeError extends Error {
  override name = 'AttributeError';
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

export function parseSeed(name: string, v: unknown): number {
  if (!isValidSeed(v)) {
    throw new AttributeError(`${name}: expected an integer in [0, ${MAX_SEED}], got ${show(v)}`);
  }
  return v;
}

export function parseTruncation(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new AttributeError(`truncation: expected a number in [0, 1], got ${show(v)}`);
  }
  return v;
}

export function parseLatent(v: string, zDim: number): Float32Array {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length !== zDim) {
    throw new AttributeError(`latent: expected ${zDim} comma-separated numbers, got ${parts.length}`);
  }
  const z = new Float32Array(zDim);
  parts.forEach((p, i) => {
    const x = p === '' ? NaN : Number(p);
    if (!Number.isFinite(x)) throw new AttributeError(`latent: expected a finite number at index ${i}, got ${show(p)}`);
    z[i] = x;
  });
  return z;
}

export function parseMixLayer(v: unknown, numWs: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > numWs) {
    throw new AttributeError(`mix-layer: expected an integer in [0, ${numWs}], got ${show(v)}`);
  }
  return v;
}

export function parseBackend(v: unknown): BackendPreference {
  if (v === 'auto' || (BACKENDS as readonly unknown[]).includes(v)) return v as BackendPreference;
  throw new AttributeError(`backend: expected one of auto, ${BACKENDS.join(', ')}, got ${show(v)}`);
}

export function parseLoading(v: unknown): LoadingMode {
  if (v === 'eager' || v === 'lazy') return v;
  throw new AttributeError(`loading: expected "eager" or "lazy", got ${show(v)}`);
}

export function parseMaxFaces(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_FACES) {
    throw new AttributeError(`max-faces: expected an integer in [1, ${MAX_FACES}], got ${show(v)}`);
  }
  return v;
}

export function parseTracking(v: unknown): 'mesh' | 'box' {
  if (v === 'mesh' || v === 'box') return v;
  throw new AttributeError(`tracking: expected "mesh" or "box", got ${show(v)}`);
}

/** A number in [0, 1], for `blend-opacity`, `blend-feather` and `blend-lighting`. */
export function parseUnit(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new AttributeError(`${name}: expected a number in [0, 1], got ${show(v)}`);
  }
  return v;
}

/** `mirror` defaults to on, so a plain boolean attribute cannot turn it off: `mirror="false"` does. */
export const onUnlessFalse = {
  fromAttribute: (v: string | null) => v === null || v.trim().toLowerCase() !== 'false',
  toAttribute: (v: boolean) => (v ? '' : 'false'),
};
