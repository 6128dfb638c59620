// @ts-check
// Y4M clips for Chromium's fake camera (--use-file-for-fake-video-capture), made from the real photos that
// @vladmandic/face-api ships (MIT): a window slides over the photo, so the faces move across the frame.
// The clip ping-pongs, so looping it has no jump. Written to build/fake-camera/ (not committed), each under a name
// that carries a hash of its spec and of the code that draws it, so that a changed clip is written again.
//
//   node scripts/fake-camera.mjs            writes every clip below (skips those already there)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { CLIPS, FRAME_CODE, rollAt, windowAt } from './fake-camera-clips.mjs';

export { CLIPS };
const require = createRequire(import.meta.url);
export const CLIP_DIR = 'build/fake-camera';

/**
 * Renders the window [x, x + w) x [y, y + h) of the photo to out[0] x out[1] RGBA, turned by `roll` degrees
 * (clockwise on screen) about the frame's centre, with frame `f`'s code in the corner when the clip has one.
 * @param {Buffer} jpeg
 * @param {{ x: number; y: number; width: number; photoWidth: number; photoHeight: number }} win
 * @param {number[]} out
 * @param {number} roll
 * @param {number | null} code
 */
function renderWindow(jpeg, win, out, roll, code) {
  const s = out[0] / win.width;
  const blocks =
    code === null
      ? ''
      : Array.from(
          { length: FRAME_CODE.bits },
          (_, k) =>
            `<rect x="${FRAME_CODE.x + k * FRAME_CODE.step}" y="${FRAME_CODE.y}" width="${FRAME_CODE.size}" height="${FRAME_CODE.size}" fill="${(code >> k) & 1 ? 'white' : 'black'}"/>`,
        ).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${out[0]}" height="${out[1]}">` +
    `<g transform="rotate(${roll} ${out[0] / 2} ${out[1] / 2})">` +
    `<image x="${-win.x * s}" y="${-win.y * s}" width="${win.photoWidth * s}" height="${win.photoHeight * s}" ` +
    `preserveAspectRatio="none" xlink:href="data:image/jpeg;base64,${jpeg.toString('base64')}"/></g>${blocks}</svg>`;
  return new Resvg(svg, { background: 'black' }).render().pixels; // RGBA, straight, opaque here
}

/**
 * JPEG size from its SOF marker, so the SVG can place the image at its own pixel size.
 * @param {Buffer} b
 */
function jpegSize(b) {
  for (let i = 2; i < b.length;) {
    if (b[i] !== 0xff) throw new Error('bad JPEG');
    const marker = b[i + 1];
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
    }
    i += 2 + len;
  }
  throw new Error('JPEG without SOF');
}

/**
 * RGBA -> I420 (BT.601, limited range), what Chromium's Y4M reader expects.
 * @param {Uint8Array} rgba
 * @param {number} w
 * @param {number} h
 */
function toI420(rgba, w, h) {
  const y = Buffer.alloc(w * h);
  const u = Buffer.alloc((w / 2) * (h / 2));
  const v = Buffer.alloc((w / 2) * (h / 2));
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const p = 4 * (j * w + i);
      y[j * w + i] = Math.round(16 + (65.481 * rgba[p] + 128.553 * rgba[p + 1] + 24.966 * rgba[p + 2]) / 255);
    }
  }
  for (let j = 0; j < h / 2; j++) {
    for (let i = 0; i < w / 2; i++) {
      let r = 0,
        g = 0,
        b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const p = 4 * ((2 * j + dy) * w + 2 * i + dx);
        r += rgba[p];
        g += rgba[p + 1];
        b += rgba[p + 2];
      }
      r /= 4 * 255;
      g /= 4 * 255;
      b /= 4 * 255;
      u[j * (w / 2) + i] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b));
      v[j * (w / 2) + i] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b));
    }
  }
  return Buffer.concat([y, u, v]);
}

/**
 * Adds Gaussian noise of standard deviation `sigma` to an I420 frame's luma plane (its first w * h bytes), from a
 * generator seeded by the frame number, so that every frame has its own grain and every build the same.
 * @param {Buffer} i420
 * @param {number} lumaBytes
 * @param {number} sigma
 * @param {number} seed
 */
function addGrain(i420, lumaBytes, sigma, seed) {
  let s = (seed * 0x9e3779b1 + 1) >>> 0;
  const uniform = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < lumaBytes; i++) {
    const g = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()); // Box-Muller
    i420[i] = Math.min(235, Math.max(16, Math.round(i420[i] + sigma * g)));
  }
}

/**
 * The clip's Y4M file, written unless it is there already.
 * @param {keyof typeof CLIPS} name
 */
export function buildClip(name) {
  const clip = CLIPS[name];
  // What the clip's pixels depend on: its spec, the frame code, and how frames are made (this file and the clips').
  const spec = createHash('sha256')
    .update(JSON.stringify({ clip, FRAME_CODE }))
    .update(readFileSync(new URL(import.meta.url)))
    .update(readFileSync(new URL('./fake-camera-clips.mjs', import.meta.url)))
    .digest('hex')
    .slice(0, 8);
  const file = `${CLIP_DIR}/${name}-${spec}.y4m`;
  if (existsSync(file)) return file;
  const jpeg = readFileSync(require.resolve(`@vladmandic/face-api/demo/${clip.photo}`));
  const { width: photoWidth, height: photoHeight } = jpegSize(jpeg);
  const [w, h] = clip.out;
  const parts = [Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < clip.frames; f++) {
    const win = { ...windowAt(clip, f), photoWidth, photoHeight };
    const frame = renderWindow(jpeg, win, clip.out, rollAt(clip, f), clip.code ? f : null);
    const yuv = toI420(frame, w, h);
    if (clip.noise) addGrain(yuv, w * h, clip.noise, f);
    parts.push(Buffer.from('FRAME\n'), yuv);
  }
  mkdirSync(CLIP_DIR, { recursive: true });
  // Earlier versions of this clip go; the new one appears whole or not at all (a run stopped mid-write).
  for (const old of readdirSync(CLIP_DIR))
    if (old.startsWith(`${name}-`) && old.endsWith('.y4m')) rmSync(`${CLIP_DIR}/${old}`);
  writeFileSync(`${file}.part`, Buffer.concat(parts));
  renameSync(`${file}.part`, file);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of /** @type {(keyof typeof CLIPS)[]} */ (Object.keys(CLIPS))) console.log(buildClip(name));
}
