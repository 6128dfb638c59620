/**
 * From the options that choose a face (a seed or a latent, truncation, style mixing, controls) to the generator's
 * request, for createGenerator and the element alike. Each caller checks its own form of the options first (numbers
 * in code, attribute text in the element); what depends on the model is checked here, under the caller's names.
 * No DOM.
 */
import { applyControls, type ControlValues } from './controls.js';
import type { GenerateRequest } from './generator.js';
import type { ModelManifest } from './model-format.js';
import { checkMixLayer, type ErrorClass } from './options.js';
import { seedToZ } from './seed.js';

/** One face, its options checked as far as they can be without the model. */
export interface FaceChoice {
  /** A given latent, checked against the model's z size by the caller's rule; wins over `seed`. */
  latent: ((zDim: number) => Float32Array) | null;
  /** The seed, or why it is not one (thrown only when no latent wins). */
  seed: number | Error;
  truncation: number;
  mixSeed: number | null;
  /** The first layer taken from the mix seed; null: half the layers. */
  mixLayer: number | null;
  controls: ControlValues;
}

/** The names the caller knows its options by, and the error it throws. */
export interface OptionNames {
  mixLayer: string;
  control(name: string): string;
  E: ErrorClass;
}

const CORE_NAMES: OptionNames = { mixLayer: 'mixLayer', control: (c) => c, E: RangeError };

/** The request for `choice` on this model. Throws `names.E` when the options do not fit it. */
export function faceRequest(manifest: ModelManifest, choice: FaceChoice, names = CORE_NAMES): GenerateRequest {
  const { zDim, numWs } = manifest.architecture;
  let z: Float32Array;
  if (choice.latent) z = choice.latent(zDim);
  else if (choice.seed instanceof Error) throw choice.seed;
  else z = seedToZ(choice.seed, zDim);
  z = applyControls(z, manifest.controls, choice.controls, names.E, names.control);
  const { truncation } = choice;
  if (choice.mixSeed === null) return { z, truncation };
  const mixLayer = checkMixLayer(names.mixLayer, choice.mixLayer ?? Math.floor(numWs / 2), numWs, names.E);
  return { z, truncation, mixZ: seedToZ(choice.mixSeed, zDim), mixLayer };
}
