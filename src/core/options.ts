/**
 * The option rules of the core and the element, each written once. A rule returns the checked value or throws
 * saying what was expected and what arrived, under the name the caller knows the option by (`mixLayer` for
 * createGenerator, `mix-layer` for the element). The error class is the caller's too: RangeError in the core, the
 * element's AttributeError there. No DOM, no Lit.
 */
import { looksLikeStyleName, resolveStyle } from './assets.js';
import { BACKENDS, BUNDLED_STYLES, type BackendPreference } from './defaults.js';
import { MAX_SEED } from './seed.js';

export type ErrorClass = new (message: string) => Error;

/** What arrived: a string quoted, so that `""` and `" 5"` show as such. */
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

export function checkIntegerIn(name: string, v: unknown, lo: number, hi: number, E: ErrorClass = RangeError): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new E(`${name}: expected an integer in [${lo}, ${hi}], got ${show(v)}`);
  }
  return v;
}

export function checkNumberIn(name: string, v: unknown, lo: number, hi: number, E: ErrorClass = RangeError): number {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    throw new E(`${name}: expected a number in [${lo}, ${hi}], got ${show(v)}`);
  }
  return v;
}

/** One of a few words: two read as `"a" or "b"`, more as a list. */
export function checkOneOf<T extends string>(
  name: string,
  v: unknown,
  options: readonly T[],
  E: ErrorClass = RangeError,
): T {
  if ((options as readonly unknown[]).includes(v)) return v as T;
  const expected = options.length === 2 ? `"${options[0]}" or "${options[1]}"` : `one of ${options.join(', ')}`;
  throw new E(`${name}: expected ${expected}, got ${show(v)}`);
}

export const checkSeed = (name: string, v: unknown, E: ErrorClass = RangeError): number =>
  checkIntegerIn(name, v, 0, MAX_SEED, E);

/** 1 keeps the latent, 0 gives the average face. */
export const checkTruncation = (name: string, v: unknown, E: ErrorClass = RangeError): number =>
  checkNumberIn(name, v, 0, 1, E);

/** The first layer that takes its style from the mix seed; `numWs` mixes nothing. */
export const checkMixLayer = (name: string, v: unknown, numWs: number, E: ErrorClass = RangeError): number =>
  checkIntegerIn(name, v, 0, numWs, E);

/**
 * Exactly `zDim` finite numbers, as an array or typed array. Checked after rounding to float32, so that 1e39 is
 * refused rather than becoming Infinity. A string is refused: only the `latent` attribute takes text
 * (checkLatentText).
 */
export function checkLatent(name: string, v: unknown, zDim: number, E: ErrorClass = RangeError): Float32Array {
  const list = typeof v === 'object' && v !== null && typeof (v as ArrayLike<unknown>).length === 'number';
  if (!list)
    throw new E(`${name}: expected an array of ${zDim} numbers, got ${typeof v === 'string' ? 'a string' : show(v)}`);
  return latentFrom(name, v as ArrayLike<unknown>, zDim, false, E);
}

/** The `latent` attribute: exactly `zDim` comma-separated finite numbers. */
export function checkLatentText(name: string, v: string, zDim: number, E: ErrorClass = RangeError): Float32Array {
  const parts = v.split(',').map((s) => s.trim());
  return latentFrom(name, parts, zDim, true, E);
}

/** `parts` as float32; `text`: its entries are the attribute's strings, else each must already be a number. */
function latentFrom(name: string, parts: ArrayLike<unknown>, zDim: number, text: boolean, E: ErrorClass): Float32Array {
  if (parts.length !== zDim)
    throw new E(`${name}: expected ${zDim} ${text ? 'comma-separated ' : ''}numbers, got ${show(parts.length)}`);
  const z = new Float32Array(zDim);
  for (let i = 0; i < zDim; i++) {
    const p = parts[i];
    // Number('') is 0, so a blank entry is refused before it could pass as one.
    z[i] = typeof p === 'number' ? p : text && typeof p === 'string' && p !== '' ? Number(p) : NaN;
    if (!Number.isFinite(z[i])) throw new E(`${name}: expected a finite number at index ${i}, got ${show(p)}`);
  }
  return z;
}

/** A bundled style name or a model.json URL (resolved later, against the asset base). */
export function checkStyle(name: string, v: unknown, E: ErrorClass = RangeError): string {
  if (
    typeof v !== 'string' ||
    v === '' ||
    (looksLikeStyleName(v) && !(BUNDLED_STYLES as readonly string[]).includes(v))
  ) {
    throw new E(styleMessage(name, v));
  }
  return v;
}

const styleMessage = (name: string, v: unknown) =>
  `${name}: expected one of ${BUNDLED_STYLES.join(', ')} or a model.json URL, got ${show(v)}`;

/** checkStyle, and the model.json URL the style names (against the asset base); a URL that will not parse is refused alike. */
export function checkStyleUrl(
  name: string,
  v: unknown,
  base?: string,
  E: ErrorClass = RangeError,
): { style: string; url: string } {
  const style = checkStyle(name, v, E);
  try {
    return { style, url: resolveStyle(style, base) };
  } catch {
    throw new E(styleMessage(name, v));
  }
}

/** `auto` or a backend's name; whether it initialises is ensureBackend's to say. */
export const checkBackend = (name: string, v: unknown, E: ErrorClass = RangeError): BackendPreference =>
  checkOneOf(name, v, ['auto', ...BACKENDS] as const, E);
