// The `toon` teacher: a deterministic map from a latent z to a facesjs face, drawn head-only on a
// transparent background in the canonical frame. The rule is documented in training/README.md
// ("The toon teacher"); keep the two in step.
import { faceToSvgString } from 'facesjs';
import { landmarksInFrame, lerp, normalCdf, pick, pickCuts, ramp } from './rule.mjs';

// Curated catalogue (v1): a subset of facesjs parts, chosen for variety that a small student can learn.
export const CATALOGUE = {
  skin: ['#fedac7', '#f2d6cb', '#f0c5a3', '#eab687', '#ddb7a0', '#bb876f', '#a67358', '#ad6453', '#74453d', '#5c3937'],
  hairColor: ['#e9c67b', '#D7BF91', '#CC9966', '#B55239', '#5A3825', '#3D2314', '#2C1608', '#272421', '#0f0902'],
  head: ['head1', 'head2', 'head3', 'head6', 'head8', 'head12', 'female1', 'female2'],
  hairMale: ['short', 'short2', 'crop', 'messy-short', 'curly', 'afro', 'parted', 'spike', 'bald', 'middle-part'],
  hairFemale: ['female1', 'female2', 'female3', 'female4', 'female6', 'female8', 'longHair', 'shortBangs'],
  hairBgFemale: ['female1', 'female2', 'female3', 'longHair'],
  eyeMale: ['eye1', 'eye2', 'eye3', 'eye4', 'eye6', 'eye9'],
  eyeFemale: ['female1', 'female2', 'female3', 'female4', 'female6', 'female9'],
  eyebrow: ['eyebrow1', 'eyebrow2', 'eyebrow3', 'eyebrow5', 'eyebrow8', 'female1', 'female3'],
  mouth: ['mouth', 'mouth2', 'mouth3', 'smile', 'smile2', 'closed', 'straight', 'smile-closed'],
  nose: ['nose1', 'nose2', 'nose3', 'nose5', 'nose8', 'small'],
  ear: ['ear1', 'ear2'],
  facialHair: ['goatee1', 'beard1', 'mustache1', 'fullgoatee', 'chin-strap', 'soul'],
  glasses: ['glasses1-primary', 'glasses2-black'],
};

/** Number of z coordinates the rule reads (z[0..USED_DIMS)); the rest do not affect the render. */
export const USED_DIMS = 24;

/**
 * The coordinates a page may set by meaning (model.json `controls`, docs/model-format.md): the rule below reads
 * them from here, and export writes this block, so the two cannot disagree. Only what a user can see and change.
 */
export const CONTROLS = {
  skinTone: { kind: 'ramp', z: 2, stops: CATALOGUE.skin },
  hairColor: { kind: 'ramp', z: 3, stops: CATALOGUE.hairColor },
  faceWidth: { kind: 'range', z: 1 },
  glasses: { kind: 'switch', z: 22, below: 0.12 },
};

/**
 * Every discrete choice of the rule below: z coordinate -> the u values (u = normalCdf(z)) where the face
 * changes part. The student's mapping reads these as steps of z (model.json `architecture.zSteps`), so that it
 * need not learn a staircase from one coordinate. training/tests/test_choices.py sweeps the rule against it.
 */
export const CHOICES = {
  0: [0.5],
  4: pickCuts(CATALOGUE.head.length),
  5: [...new Set([...pickCuts(CATALOGUE.hairMale.length), ...pickCuts(CATALOGUE.hairFemale.length)])].sort((a, b) => a - b),
  6: pickCuts(CATALOGUE.eyeMale.length),
  7: pickCuts(CATALOGUE.eyebrow.length),
  8: pickCuts(CATALOGUE.mouth.length),
  9: pickCuts(CATALOGUE.nose.length),
  10: pickCuts(CATALOGUE.ear.length),
  15: [0.5],
  16: [0.5],
  17: [0.7],
  18: pickCuts(CATALOGUE.hairBgFemale.length),
  19: [0.3],
  21: [...pickCuts(CATALOGUE.facialHair.length, 0.4), 0.4],
  [CONTROLS.glasses.z]: [CONTROLS.glasses.below],
  23: pickCuts(CATALOGUE.glasses.length),
};

/** The coordinates of CHOICES that pick a small part (eyes, brows, mouth, nose, ears, beard, glasses). The rest
 * (sex, head, hair) switch a large share of the face at once. */
export const LOCAL_CHOICES = [6, 7, 8, 9, 10, 21, CONTROLS.glasses.z, 23];

/** z (array of numbers, length >= USED_DIMS) -> facesjs face object. */
export function zToFace(z) {
  if (z.length < USED_DIMS) throw new Error(`toon teacher: expected z of length >= ${USED_DIMS}, got ${z.length}`);
  const u = Array.from(z.slice(0, USED_DIMS), normalCdf);
  const male = u[0] < 0.5;
  const C = CATALOGUE;
  return {
    fatness: lerp(0, male ? 1 : 0.5, u[CONTROLS.faceWidth.z]),
    teamColors: ['#89bfd3', '#7a1319', '#07364f'],
    hairBg: { id: !male && u[17] < 0.7 ? pick(C.hairBgFemale, u[18]) : 'none' },
    body: { id: 'none', color: ramp(CONTROLS.skinTone.stops, u[CONTROLS.skinTone.z]), size: 1 },
    jersey: { id: 'none' },
    ear: { id: pick(C.ear, u[10]), size: lerp(0.6, 1.3, u[11]) },
    head: { id: pick(C.head, u[4]), shave: 'rgba(0,0,0,0)' },
    eyeLine: { id: 'none' },
    smileLine: { id: u[19] < 0.3 ? 'line1' : 'none', size: lerp(0.5, 1.5, u[20]) },
    miscLine: { id: 'none' },
    facialHair: { id: male && u[21] < 0.4 ? pick(C.facialHair, u[21] / 0.4) : 'none' },
    eye: { id: pick(male ? C.eyeMale : C.eyeFemale, u[6]), angle: lerp(-8, 12, u[12]) },
    eyebrow: { id: pick(C.eyebrow, u[7]), angle: lerp(-12, 16, u[13]) },
    hair: { id: pick(male ? C.hairMale : C.hairFemale, u[5]), color: ramp(CONTROLS.hairColor.stops, u[CONTROLS.hairColor.z]), flip: u[15] < 0.5 },
    mouth: { id: pick(C.mouth, u[8]), flip: u[16] < 0.5 },
    nose: { id: pick(C.nose, u[9]), flip: false, size: lerp(0.6, 1.15, u[14]) },
    glasses: { id: u[CONTROLS.glasses.z] < CONTROLS.glasses.below ? pick(C.glasses, u[23]) : 'none' },
    accessories: { id: 'none' },
  };
}

// The canonical frame: a square window of facesjs's 400x600 canvas. facesjs puts the eye centres at
// (140, 310) and (260, 310) and the mouth at (200, 440) for every face, so the frame fixes them too.
export const FRAME = { x: -20, y: 100, size: 440 };
export const LANDMARKS_SVG = { leftEye: [140, 310], rightEye: [260, 310], mouth: [200, 440] };

/** Landmarks as fractions of the output size (x right, y down). */
export function canonicalLandmarks() {
  return landmarksInFrame(LANDMARKS_SVG, FRAME);
}

export const INFO = {
  licence: 'Apache-2.0',
  provenance: 'facesjs 5 parts (Apache-2.0, github.com/zengm-games/facesjs), drawn head-only by ' +
    'training/teachers/toon.mjs from z and rasterised by @resvg/resvg-js',
  usedDims: USED_DIMS,
  controls: CONTROLS,
  choices: CHOICES,
  localChoices: LOCAL_CHOICES,
};

/** SVG text of the face in the canonical frame, `res` x `res` pixels. */
export function faceSvg(face, res) {
  const svg = faceToSvgString(face);
  return svg.replace(
    /width="100%" height="100%" viewBox="0 0 400 600"/,
    `width="${res}" height="${res}" viewBox="${FRAME.x} ${FRAME.y} ${FRAME.size} ${FRAME.size}"`,
  );
}
