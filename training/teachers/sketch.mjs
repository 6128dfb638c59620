// The `sketch` teacher: a deterministic map from a latent z to a DiceBear `lorelei` head (line art), drawn on a
// transparent background in the canonical frame. The rule is documented in training/README.md ("The sketch
// teacher"); keep the two in step.
import { createAvatar } from '@dicebear/core';
import * as lorelei from '@dicebear/lorelei';
import { landmarksInFrame, normalCdf, pick, pickCuts, ramp } from './rule.mjs';

const every = (n, k) => Array.from({ length: Math.ceil(n / k) }, (_, i) => `variant${String(1 + i * k).padStart(2, '0')}`);

// Curated catalogue (v1): a regular subset of lorelei's parts, so that a small student sees each one often.
export const CATALOGUE = {
  head: every(4, 1),
  hair: every(48, 3),
  eyes: every(24, 3),
  eyebrows: every(13, 2),
  mouth: ['happy01', 'happy02', 'happy03', 'happy05', 'happy07', 'happy09', 'happy12', 'happy16', 'sad01', 'sad05'],
  nose: every(6, 1),
  glasses: every(5, 2),
  beard: every(2, 1),
  earrings: every(3, 1),
  // Ink (lines and hair) and paper (skin): black, indigo and sepia ink; white to cream paper.
  ink: ['1a1a1a', '27304d', '4a3322'],
  paper: ['ffffff', 'fbf1e1', 'f1dfc4'],
};

/** Number of z coordinates the rule reads (z[0..USED_DIMS)); the rest do not affect the render. */
export const USED_DIMS = 15;

/** The coordinates a page may set by meaning (model.json `controls`): the rule reads them from here. */
export const CONTROLS = {
  ink: { kind: 'ramp', z: 13, stops: CATALOGUE.ink.map((c) => `#${c}`) },
  paper: { kind: 'ramp', z: 14, stops: CATALOGUE.paper.map((c) => `#${c}`) },
  glasses: { kind: 'switch', z: 6, below: 0.12 },
  beard: { kind: 'switch', z: 8, below: 0.1 },
};

/** Every discrete choice of the rule below: z coordinate -> the u values where the face changes part (toon.mjs). */
export const CHOICES = {
  0: pickCuts(CATALOGUE.hair.length),
  1: pickCuts(CATALOGUE.head.length),
  2: pickCuts(CATALOGUE.eyes.length),
  3: pickCuts(CATALOGUE.eyebrows.length),
  4: pickCuts(CATALOGUE.mouth.length),
  5: pickCuts(CATALOGUE.nose.length),
  [CONTROLS.glasses.z]: [CONTROLS.glasses.below],
  7: pickCuts(CATALOGUE.glasses.length),
  [CONTROLS.beard.z]: [CONTROLS.beard.below],
  9: pickCuts(CATALOGUE.beard.length),
  10: [0.15],
  11: pickCuts(CATALOGUE.earrings.length),
  12: [0.15],
};

/** The coordinates of CHOICES that pick a small part (eyes, brows, mouth, nose, glasses, beard, earrings,
 * freckles); hair and head switch a large share of the face at once (toon.mjs). */
export const LOCAL_CHOICES = [2, 3, 4, 5, CONTROLS.glasses.z, 7, CONTROLS.beard.z, 9, 10, 11, 12];

/** z (array of numbers, length >= USED_DIMS) -> DiceBear lorelei options (every choice explicit). */
export function zToFace(z) {
  if (z.length < USED_DIMS) throw new Error(`sketch teacher: expected z of length >= ${USED_DIMS}, got ${z.length}`);
  const u = Array.from(z.slice(0, USED_DIMS), normalCdf);
  const C = CATALOGUE;
  const ink = ramp(C.ink, u[CONTROLS.ink.z]);
  return {
    seed: 'blaze-face', // every list below has one entry, so DiceBear's seeded picks have nothing to choose
    head: [pick(C.head, u[1])],
    hair: [pick(C.hair, u[0])],
    eyes: [pick(C.eyes, u[2])],
    eyebrows: [pick(C.eyebrows, u[3])],
    mouth: [pick(C.mouth, u[4])],
    nose: [pick(C.nose, u[5])],
    glasses: [pick(C.glasses, u[7])],
    glassesProbability: u[CONTROLS.glasses.z] < CONTROLS.glasses.below ? 100 : 0,
    beard: [pick(C.beard, u[9])],
    beardProbability: u[CONTROLS.beard.z] < CONTROLS.beard.below ? 100 : 0,
    earrings: [pick(C.earrings, u[11])],
    earringsProbability: u[10] < 0.15 ? 100 : 0,
    frecklesProbability: u[12] < 0.15 ? 100 : 0,
    hairAccessoriesProbability: 0,
    skinColor: [ramp(C.paper, u[CONTROLS.paper.z])],
    hairColor: [ink], eyesColor: [ink], eyebrowsColor: [ink], mouthColor: [ink], noseColor: [ink],
    glassesColor: [ink], earringsColor: [ink], frecklesColor: [ink],
  };
}

// Lorelei draws every part at fixed coordinates in its 980x980 viewBox. Centroids of the parts, rendered one
// variant at a time and averaged over all variants (eyes 24, mouths 27): eye centres (470, 455) and (663, 450),
// mouth (570, 630). The frame is the least-squares scale + shift that takes these to facesjs's canonical
// points (toon.mjs: eyes (140, 310), (260, 310), mouth (200, 440) in a 440-unit window at (-20, 100)), so
// both styles put the eyes and mouth in nearly the same place; the exact points are recorded per model.
export const LANDMARKS_SVG = { leftEye: [470, 455], rightEye: [663, 450], mouth: [570, 630] };
export const FRAME = fitFrame(LANDMARKS_SVG, { leftEye: [140, 310], rightEye: [260, 310], mouth: [200, 440] },
  { x: -20, y: 100, size: 440 });

function fitFrame(src, dst, dstFrame) {
  const keys = Object.keys(src);
  const mean = (pts) => [0, 1].map((d) => keys.reduce((s, k) => s + pts[k][d], 0) / keys.length);
  const ms = mean(src);
  const md = mean(dst);
  let num = 0;
  let den = 0;
  for (const k of keys) {
    for (const d of [0, 1]) {
      num += (src[k][d] - ms[d]) * (dst[k][d] - md[d]);
      den += (src[k][d] - ms[d]) ** 2;
    }
  }
  const s = num / den; // dst = s * (src - ms) + md
  const r = (v) => Math.round(v * 10) / 10;
  return { x: r((dstFrame.x - md[0]) / s + ms[0]), y: r((dstFrame.y - md[1]) / s + ms[1]), size: r(dstFrame.size / s) };
}

/** Landmarks as fractions of the output size (x right, y down). */
export function canonicalLandmarks() {
  return landmarksInFrame(LANDMARKS_SVG, FRAME);
}

export const INFO = {
  licence: 'MIT (code) + CC0-1.0 (artwork)',
  provenance: 'DiceBear lorelei 9 (code MIT, github.com/dicebear/dicebear; artwork by Lisa Wischofsky, CC0 1.0), ' +
    'options drawn from z by training/teachers/sketch.mjs and rasterised by @resvg/resvg-js',
  usedDims: USED_DIMS,
  controls: CONTROLS,
  choices: CHOICES,
  localChoices: LOCAL_CHOICES,
};

/** SVG text of the face in the canonical frame, `res` x `res` pixels. */
export function faceSvg(face, res) {
  const svg = createAvatar(lorelei, face).toString(); // no `size` option: the root tag has no width/height
  const root = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 980 980"';
  if (!svg.startsWith(root)) throw new Error('sketch teacher: lorelei changed its root tag; re-measure the frame');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${res}" height="${res}" ` +
    `viewBox="${FRAME.x} ${FRAME.y} ${FRAME.size} ${FRAME.size}"` + svg.slice(root.length);
}
