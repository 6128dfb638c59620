/**
 * Likeness: what a user's face looks like in colours and shape they can see and change: the skin tone (cheeks
 * and forehead), the hair colour (a band above the forehead, where it is not skin) and the face's width. Nothing
 * else is inferred. Measured once per tracked face from one frame's pixels and its 478 mesh landmarks; the
 * camera pipeline then regenerates that face once with the style's controls (src/core/controls.ts).
 */
import { srgbToLab } from '../core/controls.js';

export interface Likeness {
  /** `#rrggbb`: the skin as seen, a trimmed mean of the cheeks and forehead. */
  skinTone: string;
  /** `#rrggbb`, or null where the band above the forehead is mostly skin or off the frame (no hair to see). */
  hairColor: string | null;
  /** 0 (narrow) to 1 (wide): the face's width over its height, from the landmarks. */
  faceWidth: number;
}

type Pt = { x: number; y: number };

/** Face mesh points (MediaPipe's canonical numbering). */
const MESH = {
  cheeks: [50, 205, 280, 425],
  forehead: [151, 108, 337],
  top: 10,
  chin: 152,
  sides: [234, 454],
} as const;

/** Width over height of the face oval: the range mapped to faceWidth 0..1 (adult faces measured 0.8 - 0.95). */
const WIDTH_RATIO = [0.7, 1.05] as const;
/** Pixels whose CIELAB distance from the skin tone is below this count as skin in the hair band. */
const SKIN_DELTA_E = 14;
/** Below this share of non-skin pixels in the band, there is no hair to measure. */
const MIN_HAIR_SHARE = 0.35;

const toHex = (rgb: readonly number[]) =>
  `#${rgb
    .map((v) =>
      Math.round(Math.min(255, Math.max(0, v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

/** RGB of the pixels within `r` of each point (inside the image). */
function discs(img: ImageData, centres: Pt[], r: number): number[][] {
  const out: number[][] = [];
  const r2 = r * r;
  for (const c of centres) {
    for (let y = Math.floor(c.y - r); y <= Math.ceil(c.y + r); y++) {
      for (let x = Math.floor(c.x - r); x <= Math.ceil(c.x + r); x++) {
        if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
        if ((x - c.x) ** 2 + (y - c.y) ** 2 > r2) continue;
        const i = 4 * (y * img.width + x);
        out.push([img.data[i]!, img.data[i + 1]!, img.data[i + 2]!]);
      }
    }
  }
  return out;
}

const luma = (p: readonly number[]) => 0.299 * p[0]! + 0.587 * p[1]! + 0.114 * p[2]!;

/** Mean of the pixels between the 20th and 80th percentile of luma: no shadow lines, no highlights. */
function trimmedMean(pixels: number[][]): number[] {
  const sorted = [...pixels].sort((a, b) => luma(a) - luma(b));
  const kept = sorted.slice(Math.floor(sorted.length * 0.2), Math.max(1, Math.ceil(sorted.length * 0.8)));
  return [0, 1, 2].map((c) => kept.reduce((s, p) => s + p[c]!, 0) / kept.length);
}

/**
 * Measures a face in `img` whose mesh landmarks are `landmarks` (pixels of `img`). Throws on fewer than 468
 * landmarks or a face with no pixels inside the image.
 */
export function measureLikeness(img: ImageData, landmarks: readonly Pt[]): Likeness {
  if (landmarks.length < 468) throw new Error(`likeness: expected 468 or more mesh landmarks, got ${landmarks.length}`);
  const p = (i: number) => landmarks[i]!;
  const dist = (a: Pt, b: Pt) => Math.hypot(a.x - b.x, a.y - b.y);
  const width = dist(p(MESH.sides[0]), p(MESH.sides[1]));
  const height = dist(p(MESH.top), p(MESH.chin));

  const skinPixels = discs(img, [...MESH.cheeks, ...MESH.forehead].map(p), Math.max(1.5, 0.045 * width));
  if (skinPixels.length === 0) throw new Error('likeness: expected the face inside the image, got no pixels of it');
  const skin = trimmedMean(skinPixels);
  const skinLab = srgbToLab(skin);

  // The band above the face's top point (mesh 10, at the hairline or below it), away from the chin: a strip
  // 0.7 of the face's width across, from 5 % to 25 % of its height up.
  const up = { x: (p(MESH.top).x - p(MESH.chin).x) / height, y: (p(MESH.top).y - p(MESH.chin).y) / height };
  const side = { x: -up.y, y: up.x };
  const band: Pt[] = [];
  for (let s = 0.05; s <= 0.25; s += 0.05) {
    for (let t = -0.35; t <= 0.35 + 1e-9; t += 0.0875) {
      band.push({
        x: p(MESH.top).x + up.x * s * height + side.x * t * width,
        y: p(MESH.top).y + up.y * s * height + side.y * t * width,
      });
    }
  }
  const bandPixels = discs(img, band, Math.max(1, 0.02 * width));
  const hair = bandPixels.filter((q) => {
    const lab = srgbToLab(q);
    return Math.hypot(lab[0] - skinLab[0], lab[1] - skinLab[1], lab[2] - skinLab[2]) > SKIN_DELTA_E;
  });
  const hairColor =
    bandPixels.length > 0 && hair.length / bandPixels.length >= MIN_HAIR_SHARE ? toHex(trimmedMean(hair)) : null;

  const ratio = width / height;
  const faceWidth = Math.min(1, Math.max(0, (ratio - WIDTH_RATIO[0]) / (WIDTH_RATIO[1] - WIDTH_RATIO[0])));
  return { skinTone: toHex(skin), hairColor, faceWidth: Math.round(faceWidth * 1000) / 1000 };
}
