/**
 * The last step of likeness: a style's skin-tone ramp is one curve through colour space, so a measured skin tone
 * off that curve is drawn as the ramp's nearest tone, up to about 10 CIEDE2000 away for a pinkish or olive cheek.
 * matchSkin closes that gap on the generated face itself, once per face: the face's own skin (its colour read
 * under the eyes, from the model's canonical points) is scaled, in linear light, to the measured tone, with
 * a weight that falls off with a pixel's colour distance from that skin colour.
 */
import { srgbToLab, srgbToLinear } from '../core/controls.js';

type Point = readonly [number, number] | readonly number[];
export interface FacePoints {
  leftEye: Point;
  rightEye: Point;
  mouth: Point;
}

/**
 * CIELAB distance from the face's skin at which a pixel gets half the change, with lightness differences counted
 * at 1 / LIGHTNESS_SHARE: the skin's own shading (lighter or darker, same hue) takes the whole change, so its order
 * holds; lines, eyes and hair differ in hue and chroma as well and keep theirs.
 */
const HALF_WEIGHT_DE = 8;
const LIGHTNESS_SHARE = 3;

const LINEAR = Float32Array.from({ length: 256 }, (_, v) => srgbToLinear(v));
const toSrgb = (l: number) => 255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055);

const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1] ?? NaN;

/**
 * The face's skin colour: the per-channel median of the opaque pixels of both cheeks (below each eye, above the
 * mouth), straight sRGB 0..255; null where no cheek pixel is opaque.
 */
export function cheekColour(rgba: Uint8Array, size: number, points: FacePoints): [number, number, number] | null {
  const span = Math.abs(points.rightEye[0]! - points.leftEye[0]!);
  const channels: number[][] = [[], [], []];
  for (const eye of [points.leftEye, points.rightEye]) {
    const x0 = Math.max(0, Math.round(eye[0]! - 0.12 * span)),
      x1 = Math.min(size - 1, Math.round(eye[0]! + 0.12 * span));
    const y0 = Math.max(0, Math.round(eye[1]! + 0.25 * span)),
      y1 = Math.min(size - 1, Math.round(points.mouth[1]! - 0.2 * span));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const i = 4 * (y * size + x);
        const a = rgba[i + 3]!;
        if (a < 230) continue;
        for (let c = 0; c < 3; c++) channels[c]!.push((255 * rgba[i + c]!) / a);
      }
  }
  if (channels[0]!.length === 0) return null;
  return channels.map(median) as [number, number, number];
}

/**
 * Brings the face's skin (premultiplied RGBA bytes, `size` px square, changed in place) to `wanted` (sRGB 0..255).
 * Returns the skin colour it found, or null (and changes nothing) where it found no opaque cheek.
 */
export function matchSkin(
  rgba: Uint8Array,
  size: number,
  points: FacePoints,
  wanted: readonly [number, number, number],
): [number, number, number] | null {
  const drawn = cheekColour(rgba, size, points);
  if (!drawn) return null;
  const drawnLab = srgbToLab(drawn);
  const gain = [0, 1, 2].map((c) => {
    const from = LINEAR[Math.round(drawn[c]!)]!,
      to = LINEAR[Math.round(wanted[c]!)]!;
    return (to + 1e-4) / (from + 1e-4);
  });
  const k = Math.log(2) / HALF_WEIGHT_DE ** 2;
  const px = [0, 0, 0];
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) px[c] = Math.min(255, (255 * rgba[i + c]!) / a);
    const lab = srgbToLab(px);
    const d2 =
      ((lab[0] - drawnLab[0]) / LIGHTNESS_SHARE) ** 2 + (lab[1] - drawnLab[1]) ** 2 + (lab[2] - drawnLab[2]) ** 2;
    const w = Math.exp(-k * d2);
    if (w < 1e-3) continue;
    for (let c = 0; c < 3; c++) {
      const lin = LINEAR[Math.round(px[c]!)]! * (1 + w * (gain[c]! - 1));
      rgba[i + c] = Math.round((Math.min(255, toSrgb(Math.min(1, lin))) * a) / 255);
    }
  }
  return drawn;
}
