// Likeness measured on real photos (face-api's samples) and on controlled variants of them: the measured skin tone
// follows the skin when it is darkened or lightened, hair is told from skin, and a face generated with the measured
// skin tone is much closer (CIEDE2000) to the person's cheek than the seed's own face.
// Per-photo distances are in the closing note of issue 31 (not printed here).
import { expect } from '@esm-bundle/chai';
import type * as Vision from '@mediapipe/tasks-vision';
import { createGenerator, type FaceGenerator } from '../dist/blaze-face.js';
import { assets } from '../src/core/assets.js';
import { measureLikeness } from '../src/camera/likeness.js';
import { visionCanvas } from '../src/camera/vision-wasm.js';
import { hexRgb } from '../src/core/controls.js';
import { matchSkin } from '../src/camera/skin-match.js';
import { deltaE2000 } from './ciede2000.js';
import { generatedCheek } from './helpers.js';
import { PHOTOS, loadImage, visionWithoutUsageLogs } from './vision-helpers.js';

const LANDMARKER_URL = new URL('../models/mediapipe/face_landmarker.task', import.meta.url).href;
type Pt = { x: number; y: number };

/** The photo's pixels, with the face oval's inside scaled by `gain` (a controlled variant of the same person). */
function variant(photo: HTMLImageElement, oval: Pt[], gain: number): ImageData {
  const c = document.createElement('canvas');
  [c.width, c.height] = [photo.naturalWidth, photo.naturalHeight];
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(photo, 0, 0);
  const img = ctx.getImageData(0, 0, c.width, c.height);
  if (gain === 1) return img;
  const path = new Path2D();
  oval.forEach((p, i) => (i ? path.lineTo(p.x, p.y) : path.moveTo(p.x, p.y)));
  path.closePath();
  const xs = oval.map((p) => p.x),
    ys = oval.map((p) => p.y);
  for (let y = Math.floor(Math.min(...ys)); y <= Math.ceil(Math.max(...ys)); y++) {
    for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x++) {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height || !ctx.isPointInPath(path, x, y)) continue;
      const i = 4 * (y * img.width + x);
      for (let k = 0; k < 3; k++) img.data[i + k] = img.data[i + k]! * gain;
    }
  }
  return img;
}

/** Straight RGBA (ImageData) to the premultiplied bytes camera mode's faces are. */
function premultiplied(img: ImageData): Uint8Array {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i += 4) {
    const a = img.data[i + 3]!;
    for (let c = 0; c < 3; c++) out[i + c] = Math.round((img.data[i + c]! * a) / 255);
    out[i + 3] = a;
  }
  return out;
}

const lumaOf = (hex: string) => {
  const [r, g, b] = hexRgb(hex)!;
  return 0.299 * r + 0.587 * g + 0.114 * b;
};

describe('likeness on photos', () => {
  let vision: typeof Vision;
  let landmarker: Vision.FaceLandmarker;
  let faces: { photo: HTMLImageElement; name: string; landmarks: Pt[]; oval: Pt[] }[];

  before(async () => {
    vision = await visionWithoutUsageLogs();
    const fileset = await vision.FilesetResolver.forVisionTasks(assets.mediapipeWasm().replace(/\/$/, ''));
    landmarker = await vision.FaceLandmarker.createFromOptions(fileset, {
      canvas: visionCanvas(),
      baseOptions: { modelAssetPath: LANDMARKER_URL, delegate: 'CPU' },
      runningMode: 'IMAGE',
      numFaces: 8,
    });
    const ovalIndex = vision.FaceLandmarker.FACE_LANDMARKS_FACE_OVAL.map((c) => c.start);
    faces = [];
    for (const [i, url] of PHOTOS.entries()) {
      const photo = await loadImage(url);
      const [w, h] = [photo.naturalWidth, photo.naturalHeight];
      for (const lm of landmarker.detect(photo).faceLandmarks) {
        const landmarks = lm.map((p) => ({ x: p.x * w, y: p.y * h }));
        // faces wide enough to have skin to measure: 60 px across
        if (Math.abs(landmarks[454]!.x - landmarks[234]!.x) < 60) continue;
        faces.push({ photo, name: `sample${i + 1}`, landmarks, oval: ovalIndex.map((j) => landmarks[j]!) });
      }
    }
    expect(faces.length).to.be.at.least(6);
  });
  after(() => landmarker?.close());

  it('the measured skin tone follows the skin darkened and lightened in steps, on every face', () => {
    for (const f of faces) {
      const tones = [0.55, 0.7, 0.85, 1, 1.15].map((g) => measureLikeness(variant(f.photo, f.oval, g), f.landmarks));
      const lumas = tones.map((t) => lumaOf(t.skinTone));
      for (let k = 1; k < lumas.length; k++)
        expect(lumas[k], `${f.name}: luma at each step ${lumas.map((v) => v.toFixed(0))}`).to.be.above(lumas[k - 1]!);
      // the width is the face's shape, which no colour change moves
      expect(new Set(tones.map((t) => t.faceWidth)).size).to.equal(1);
      expect(tones[3]!.faceWidth).to.be.within(0, 1);
    }
  });

  it('hair, where it is measured, is not the skin', () => {
    let measured = 0;
    for (const f of faces) {
      const { skinTone, hairColor } = measureLikeness(variant(f.photo, f.oval, 1), f.landmarks);
      if (hairColor === null) continue;
      measured++;
      expect(deltaE2000(hexRgb(hairColor)!, hexRgb(skinTone)!), f.name).to.be.above(5);
    }
    expect(measured).to.be.at.least(faces.length / 2);
  });

  it('the two people of most different skin tones get clearly different faces', async () => {
    const tones = faces.map((f) => measureLikeness(variant(f.photo, f.oval, 1), f.landmarks).skinTone);
    let pair: [number, number] = [0, 0],
      most = 0;
    for (let i = 0; i < tones.length; i++)
      for (let j = i + 1; j < tones.length; j++) {
        const d = deltaE2000(hexRgb(tones[i]!)!, hexRgb(tones[j]!)!);
        if (d > most) [pair, most] = [[i, j], d];
      }
    expect(most, `measured ${tones.join(' ')}`).to.be.above(15);
    const gen = await createGenerator({ style: 'toon' });
    try {
      const canonical = gen.manifest.canonical as unknown as Record<string, number[]>;
      const [a, b] = await Promise.all(
        pair.map(async (k) => generatedCheek(await gen.imageData({ seed: 900_015, skinTone: tones[k]! }), canonical)),
      );
      expect(deltaE2000(a!, b!), `${tones[pair[0]]} and ${tones[pair[1]]}`).to.be.above(10);
    } finally {
      gen.dispose();
    }
  });

  it('a face generated with the measured skin tone is closer to the person: 1.5x on each face, 2x on average, 2x on each with its skin matched', async () => {
    let gen: FaceGenerator | null = null;
    try {
      gen = await createGenerator({ style: 'toon' });
      const canonical = gen.manifest.canonical as unknown as Record<string, number[]>;
      const seeds = [900_011, 900_012, 900_013, 900_014];
      const plain = await Promise.all(
        seeds.map(async (seed) => generatedCheek(await gen!.imageData({ seed }), canonical)),
      );
      // people and darkened variants of them: several tones
      const ratios: number[] = [];
      for (const [k, f] of faces.slice(0, 4).entries()) {
        const photo = variant(f.photo, f.oval, [1, 0.6, 1, 0.75][k]!);
        const { skinTone } = measureLikeness(photo, f.landmarks);
        const person = hexRgb(skinTone)!;
        let without = 0,
          withIt = 0,
          matched = 0;
        for (const [i, seed] of seeds.entries()) {
          without += deltaE2000(plain[i]!, person);
          const face = await gen.imageData({ seed, skinTone });
          withIt += deltaE2000(generatedCheek(face, canonical), person);
          // camera mode then matches the skin to the measured tone (the face is opaque where the cheek is read)
          const rgba = premultiplied(face);
          matchSkin(rgba, face.width, gen.manifest.canonical, person as [number, number, number]);
          matched += deltaE2000(
            generatedCheek({ data: new Uint8ClampedArray(rgba.buffer), width: face.width }, canonical),
            person,
          );
        }
        // A measured tone off the style's ramp (a grey cast) can only come as close as the ramp's nearest tone.
        const message = `${f.name}: mean dE2000 ${(withIt / 4).toFixed(1)} with the ramp, ${(matched / 4).toFixed(1)} matched, ${(without / 4).toFixed(1)} without`;
        expect(withIt * 1.5, message).to.be.at.most(without);
        expect(matched * 2, message).to.be.at.most(without);
        ratios.push(without / withIt);
      }
      expect(
        ratios.reduce((a, b) => a + b) / ratios.length,
        `ratios ${ratios.map((r) => r.toFixed(2))}`,
      ).to.be.at.least(2);
    } finally {
      gen?.dispose();
    }
  });
});
