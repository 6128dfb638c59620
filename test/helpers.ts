import type { BlazeFaceElement } from '../dist/blaze-face.js';
import { waitFor } from './wait.js';

export { waitFor, within } from './wait.js';

/** A fresh element in the document; removed by `cleanup()`. */
export function makeFace(attrs: Record<string, string> = {}): BlazeFaceElement {
  const el = document.createElement('blaze-face') as BlazeFaceElement;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  return el;
}

/**
 * Removes every element and waits until each has freed its model (a removed element keeps it for
 * DEFAULTS.releaseDelayMs, in case it is moved), so the next test starts with no model loaded.
 */
export async function cleanup(): Promise<void> {
  // Imported here, so that pages which never make an element (the lens tests) do not load the bundle.
  const { DEFAULTS, modelRefCounts } = await import('../dist/internal.js');
  document.querySelectorAll('blaze-face').forEach((e) => e.remove());
  // A load still on its way to the registry gets one task to get there before the first look.
  await new Promise((r) => setTimeout(r, 0));
  await waitFor(() => Object.keys(modelRefCounts()).length === 0, 'the removed elements to free their models', {
    ms: DEFAULTS.releaseDelayMs + 30000,
    now: modelRefCounts,
  });
}

/** Resolves with the next event of that name (rejects after `ms`, naming the event and, if given, what it was for). */
export function next<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  name: K,
  ms = 60000,
  what?: string,
): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve, reject) => {
    const errors: string[] = [];
    const onError = (e: Event) => errors.push(JSON.stringify((e as CustomEvent).detail));
    if (name !== 'blaze-face-error') target.addEventListener('blaze-face-error', onError);
    const timer = setTimeout(() => {
      target.removeEventListener('blaze-face-error', onError);
      const wanted = what ? ` (${what})` : '';
      reject(new Error(`no ${name}${wanted} within ${ms} ms; errors meanwhile: ${errors.join(' ') || 'none'}`));
    }, ms);
    target.addEventListener(
      name,
      (e) => {
        clearTimeout(timer);
        target.removeEventListener('blaze-face-error', onError);
        resolve(e as GlobalEventHandlersEventMap[K]);
      },
      { once: true },
    );
  });
}

/** Decoded pixels of a PNG blob: straight RGBA8. */
export async function pngPixels(blob: Blob): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const bmp = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  const img = ctx.getImageData(0, 0, bmp.width, bmp.height);
  bmp.close();
  return { data: img.data, width: img.width, height: img.height };
}

/**
 * `img` as the element's capture() would give it back after drawing it with putImageData: through a canvas (which
 * stores premultiplied 8-bit colour in Firefox and WebKit) and a PNG. A capture compared with this has made the same
 * round trip, so the comparison sees the draw path and not the engine's canvas storage.
 */
export async function throughCanvas(img: ImageData): Promise<Uint8ClampedArray> {
  const c = document.createElement('canvas');
  [c.width, c.height] = [img.width, img.height];
  c.getContext('2d')!.putImageData(img, 0, 0);
  const png = await new Promise<Blob>((resolve, reject) =>
    c.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob gave nothing'))), 'image/png'),
  );
  return (await pngPixels(png)).data;
}

/** Straight -> premultiplied, rounded, for comparing with premultiplied goldens. */
export function premultiply(d: Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3] / 255;
    out[i] = Math.round(d[i] * a);
    out[i + 1] = Math.round(d[i + 1] * a);
    out[i + 2] = Math.round(d[i + 2] * a);
    out[i + 3] = d[i + 3];
  }
  return out;
}

/** Nearest-neighbour resample of square RGBA pixels to size x size (to compare styles of different sizes). */
export function resampled(px: { width: number; data: ArrayLike<number> }, size: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sy = Math.floor(((y + 0.5) * px.width) / size),
        sx = Math.floor(((x + 0.5) * px.width) / size);
      for (let c = 0; c < 4; c++) out[(y * size + x) * 4 + c] = px.data[(sy * px.width + sx) * 4 + c]!;
    }
  }
  return out;
}

export function diffStats(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

/** The golden cases of models/<style>: what to generate, and the file of the face Python made for it. */
export async function goldens(style: string) {
  const g = await (await fetch(new URL(`../models/${style}/goldens/goldens.json`, import.meta.url))).json();
  return g.cases as { seed: number; truncation?: number; mixSeed?: number; mixLayer?: number; file: string }[];
}

/** capture() of `el` against a golden of models/<style> (premultiplied RGBA8): mean and max absolute difference. */
export async function diffFromGolden(
  el: { capture(): Promise<Blob> },
  file: string,
  style = 'toon',
): Promise<{ mean: number; max: number }> {
  const got = premultiply((await pngPixels(await el.capture())).data);
  const url = new URL(`../models/${style}/${file}`, import.meta.url);
  const want = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return diffStats(got, want);
}

/**
 * Each golden case of a model exported by training/ (its goldens/goldens.json) drawn by an element, against the face
 * Python made: returns per case the file, the backend and the mean and max absolute difference (premultiplied RGBA8).
 */
export async function modelGoldenDiffs(model: URL) {
  const gold = await (await fetch(new URL('goldens/goldens.json', model))).json();
  const out: { file: string; backend: string; width: number; height: number; mean: number; max: number }[] = [];
  for (const c of gold.cases as {
    seed: number;
    truncation?: number;
    mixSeed?: number;
    mixLayer?: number;
    file: string;
  }[]) {
    const attrs: Record<string, string> = { seed: String(c.seed), 'face-style': model.href };
    if (c.truncation !== undefined) attrs.truncation = String(c.truncation);
    if (c.mixSeed !== undefined) attrs['mix-seed'] = String(c.mixSeed);
    if (c.mixLayer !== undefined) attrs['mix-layer'] = String(c.mixLayer);
    const el = makeFace(attrs);
    const render = await next(el, 'blaze-face-render');
    const px = await pngPixels(await el.capture());
    const want = new Uint8Array(await (await fetch(new URL(c.file, model))).arrayBuffer());
    const d = diffStats(premultiply(px.data), want);
    out.push({ file: c.file, backend: render.detail.backend, width: px.width, height: px.height, ...d });
    el.remove();
  }
  return out;
}

/** Mean RGB of a generated face's left-cheek patch: below the left eye, above the mouth (canonical points). */
export function generatedCheek(
  img: { data: Uint8ClampedArray; width: number },
  canonical: Record<string, number[]>,
): number[] {
  const [ex, ey] = canonical.leftEye!,
    [, my] = canonical.mouth!;
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.round(ey! + 8); y < Math.round(my! - 8); y++)
    for (let x = Math.round(ex! - 4); x < Math.round(ex! + 4); x++, n++)
      for (let c = 0; c < 3; c++) sum[c]! += img.data[4 * (y * img.width + x) + c]!;
  return sum.map((v) => v / n);
}
