/**
 * Attribute validation: each returns the parsed value or throws AttributeError saying what was expected and
 * what arrived. The element keeps its last good face when one throws. The rules and their messages are the core's
 * (src/core/options.ts), shared with createGenerator; here they get the attribute's name and the element's error.
 */
import type { BackendPreference, LoadingMode } from '../core/defaults.js';
import {
  checkBackend,
  checkIntegerIn,
  checkLatentText,
  checkMixLayer,
  checkNumberIn,
  checkOneOf,
  checkSeed,
  checkStyleUrl,
  checkTruncation,
} from '../core/options.js';
import { cssColorToHex } from './css-color.js';

/** Each face costs a detection slot and a generated texture; more than a few is no longer real time on phones. */
export const MAX_FACES = 8;

export class AttributeError extends Error {
  override name = 'AttributeError';
}

export const parseSeed = (name: string, v: unknown): number => checkSeed(name, v, AttributeError);

/** `face-style`: a bundled style's name or a model.json URL, and the URL it resolves to. */
export const parseStyle = (v: unknown): { style: string; url: string } =>
  checkStyleUrl('face-style', v, undefined, AttributeError);

export const parseTruncation = (v: unknown): number => checkTruncation('truncation', v, AttributeError);

export const parseLatent = (v: string, zDim: number): Float32Array =>
  checkLatentText('latent', v, zDim, AttributeError);

export const parseMixLayer = (v: unknown, numWs: number): number =>
  checkMixLayer('mix-layer', v, numWs, AttributeError);

export const parseBackend = (v: unknown): BackendPreference => checkBackend('backend', v, AttributeError);

export const parseLoading = (v: unknown): LoadingMode =>
  checkOneOf('loading', v, ['eager', 'lazy'] as const, AttributeError);

export const parseMaxFaces = (v: unknown): number => checkIntegerIn('max-faces', v, 1, MAX_FACES, AttributeError);

export const parseTracking = (v: unknown): 'mesh' | 'box' =>
  checkOneOf('tracking', v, ['mesh', 'box'] as const, AttributeError);

/** A number in [0, 1], for `blend-opacity`, `blend-feather` and `blend-lighting`. */
export const parseUnit = (name: string, v: unknown): number => checkNumberIn(name, v, 0, 1, AttributeError);

/** `skin-tone`, `hair-color`: any CSS colour, as `#rrggbb`. */
export function parseColor(name: string, v: string): string {
  const hex = cssColorToHex(v);
  if (hex === null)
    throw new AttributeError(`${name}: expected a CSS colour such as sienna or #a0522d, got ${JSON.stringify(v)}`);
  return hex;
}

/** A face control's attribute name: `skinTone` -> `skin-tone`. */
export const controlAttribute = (control: string): string => control.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `mirror` defaults to on, so a plain boolean attribute cannot turn it off: `mirror="false"` does. */
export const onUnlessFalse = {
  fromAttribute: (v: string | null) => v === null || v.trim().toLowerCase() !== 'false',
  toAttribute: (v: boolean) => (v ? '' : 'false'),
};
