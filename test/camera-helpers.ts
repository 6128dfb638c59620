// Helpers for the camera tests: waiting for track reports, and comparing captures of a moving clip.

import type { Box } from '../src/camera/face-finder.js';
import { pngPixels } from './helpers.js';
import { within } from './wait.js';

export type Track = GlobalEventHandlersEventMap['blaze-face-track']['detail'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A track report in a few words, for failure messages. */
const summary = (t: Track | undefined) =>
  t
    ? `${t.tracking}, ${t.faces.length} faces${t.faces.length ? `, overlaid ${t.faces.map((f) => f.overlaid)}` : ''}`
    : 'none';

/**
 * Resolves with the first track report that satisfies `ok`; rejects on an error event, with its detail, and after
 * `ms`, with the condition (its source) and the last report seen.
 */
export function trackWhere(el: HTMLElement, ok: (t: Track) => boolean, ms = 90000): Promise<Track> {
  let seen = 0;
  let last: Track | undefined;
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      el.removeEventListener('blaze-face-track', on);
      el.removeEventListener('blaze-face-error', fail);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no blaze-face-track with ${ok} within ${ms} ms (${seen} reports; last: ${summary(last)})`));
    }, ms);
    const on = (e: Event) => {
      const d = (e as CustomEvent<Track>).detail;
      seen++;
      last = d;
      if (!ok(d)) return;
      done();
      resolve(d);
    };
    const fail = (e: Event) => {
      done();
      reject(new Error(`blaze-face-error while waiting for a track: ${JSON.stringify((e as CustomEvent).detail)}`));
    };
    el.addEventListener('blaze-face-track', on);
    el.addEventListener('blaze-face-error', fail);
  });
}

/** The next `n` track reports. */
export function tracks(el: HTMLElement, n: number, ms = 120000): Promise<Track[]> {
  const got: Track[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length}/${n} track reports within ${ms} ms`)), ms);
    const on = (e: Event) => {
      got.push((e as CustomEvent<Track>).detail);
      if (got.length < n) return;
      clearTimeout(timer);
      el.removeEventListener('blaze-face-track', on);
      resolve(got);
    };
    el.addEventListener('blaze-face-track', on);
  });
}

/**
 * Mean absolute RGB difference of two same-size RGBA images over the pixels where `inside(x, y)`, with `b`
 * shifted right by `dx` (the clip moves only sideways, so one shift undoes the motion between two captures).
 */
export function meanDiff(
  a: Uint8ClampedArray,
  b: Uint8ClampedArray,
  w: number,
  h: number,
  inside: (x: number, y: number) => boolean,
  dx = 0,
) {
  let sum = 0,
    n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = Math.max(0, -dx); x < Math.min(w, w - dx); x++) {
      if (!inside(x, y)) continue;
      const i = 4 * (y * w + x),
        j = 4 * (y * w + x + dx);
      sum += Math.abs(a[i]! - b[j]!) + Math.abs(a[i + 1]! - b[j + 1]!) + Math.abs(a[i + 2]! - b[j + 2]!);
      n += 3;
    }
  }
  return sum / n;
}

/** The sideways shift of `b` against `a` (within +-maxShift) that best matches them where `inside`. */
export function bestShift(
  a: Uint8ClampedArray,
  b: Uint8ClampedArray,
  w: number,
  h: number,
  inside: (x: number, y: number) => boolean,
  maxShift = 80,
) {
  let best = 0,
    bestDiff = Infinity;
  for (let dx = -maxShift; dx <= maxShift; dx++) {
    const d = meanDiff(a, b, w, h, inside, dx);
    if (d < bestDiff) [best, bestDiff] = [dx, d];
  }
  return best;
}

/**
 * The composited view without and with the overlay (opacity 0, then 1). Both snapshots are taken before either
 * is decoded, so they are (nearly) the same video frame.
 */
export async function bareAndBlended(el: HTMLElement & { capture(): Promise<Blob>; updateComplete: Promise<unknown> }) {
  el.setAttribute('blend-opacity', '0');
  await el.updateComplete;
  const bareShot = el.capture();
  el.setAttribute('blend-opacity', '1');
  await el.updateComplete;
  const blendedShot = el.capture();
  return { bare: await pngPixels(await bareShot), blended: await pngPixels(await blendedShot) };
}

/**
 * Every MediaStream the page opens, by wrapping (not replacing) getUserMedia. `source` (default: the browser's
 * own camera) can be swapped per test; `allEnded` and `trackStates` are for waiting on, and reporting, releases.
 */
export function recordStreams() {
  const streams: MediaStream[] = [];
  const browserCamera = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const log = {
    streams,
    browserCamera,
    source: browserCamera as (c?: MediaStreamConstraints) => Promise<MediaStream>,
    allEnded: () => streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')),
    trackStates: () => streams.map((s) => s.getTracks().map((t) => t.readyState)),
  };
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await log.source(c);
    streams.push(s);
    return s;
  };
  return log;
}

/** Pixels inside the box, `margin` of its size in from each edge: the face's core. */
export function boxCore(box: Box, margin: number) {
  return (x: number, y: number) =>
    x > box.x + margin * box.width &&
    x < box.x + (1 - margin) * box.width &&
    y > box.y + margin * box.height &&
    y < box.y + (1 - margin) * box.height;
}

/** Pixels well clear of the box: `side` of its width beyond either side, or `below` of its height under its top. */
export function farFromBox(box: Box, side: number, below: number) {
  return (x: number, y: number) =>
    x < box.x - side * box.width || x > box.x + (1 + side) * box.width || y > box.y + below * box.height;
}

/**
 * The overlay against the bare view over a tracked face's box: mean RGB difference in the face's core, and far
 * from the face (after undoing the clip's sideways motion between the two captures), and the bare view's far
 * region against black (the camera picture, not an empty canvas).
 */
export async function overlayContrast(
  el: HTMLElement & { capture(): Promise<Blob>; updateComplete: Promise<unknown> },
  box: Box,
) {
  const { bare, blended } = await bareAndBlended(el);
  const { width: w, height: h } = blended;
  const core = boxCore(box, 0.25);
  const far = farFromBox(box, 0.6, 1.8);
  const dx = bestShift(bare.data, blended.data, w, h, far);
  return {
    width: w,
    height: h,
    dx,
    inside: meanDiff(bare.data, blended.data, w, h, core, dx),
    outside: meanDiff(bare.data, blended.data, w, h, far, dx),
    bareFar: meanDiff(bare.data, new Uint8ClampedArray(bare.data.length), w, h, far),
  };
}

/** Loads a recorded clip into a video element and resolves once a frame is decoded (rejects if it cannot play). */
export async function playableClip(clip: Blob): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.src = URL.createObjectURL(clip);
  const loaded = new Promise((resolve, reject) => {
    video.onloadeddata = resolve;
    video.onerror = () => reject(new Error(`the clip does not play: ${video.error?.message}`));
  });
  await within(loaded, 30000, 'the recorded clip to load its first frame');
  return video;
}

/**
 * A 640x480 camera showing a real photo's face (face-api's sample3.jpg) sliding 60 px to and fro; stopping its
 * track stops the drawing. Its drawing timer goes into `timers`, for clearing after the test whether or not the
 * product stopped the track.
 */
export async function photoCamera(timers: ReturnType<typeof setInterval>[]): Promise<MediaStream> {
  const img = new Image();
  img.src = new URL('../node_modules/@vladmandic/face-api/demo/sample3.jpg', import.meta.url).href;
  await img.decode();
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [640, 480];
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const draw = () => ctx.drawImage(img, 880 + 30 * (1 - Math.cos(frame++ / 15)), 150, 560, 420, 0, 0, 640, 480);
  draw();
  const timer = setInterval(draw, 40);
  timers.push(timer);
  const stream = canvas.captureStream(25);
  for (const t of stream.getTracks()) {
    const stop = t.stop.bind(t);
    t.stop = () => {
      clearInterval(timer);
      stop();
    };
  }
  return stream;
}
