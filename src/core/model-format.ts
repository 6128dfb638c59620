/**
 * The browser side of docs/model-format.md: types, validation and loading of `models/<style>/model.json`.
 * Python writes and checks the same format in training/modelfile.py; the tensor list is derived from the
 * architecture by the same rule on both sides (expectedShapes), and test/model-format.test.ts checks that
 * the shipped models satisfy it.
 */

import { validateControls, type Controls } from './controls.js';
import { sha256Hex } from './sha256.js';

export const MODEL_FORMAT = 'blaze-face/generator';
export const MODEL_FORMAT_VERSION = 1;

export type WeightDtype = 'float16' | 'float32';
const BYTES_PER_ELEMENT: Record<WeightDtype, number> = { float16: 2, float32: 4 };

export interface Architecture {
  zDim: number;
  wDim: number;
  mappingLayers: number;
  numWs: number;
  channels: number[];
  headChannels: [number, number];
  lreluSlope: number;
  /** The last head adds the previous block's head output, upsampled 2x (absent: false). */
  skip?: boolean;
  /** With skip: the skip head's [c1, c2] when it differs from the last head's `headChannels` (absent: the same). */
  skipHeadChannels?: [number, number];
  /**
   * Steps of z that the mapping reads beside the normalised z: tanh((z[i] - at) / width) for each [i, at], in order
   * (absent: none). They mark where the teacher's rule changes part (docs/model-format.md, "z steps").
   */
  zSteps?: { width: number; steps: [number, number][] };
}

export interface Landmarks {
  leftEye: [number, number];
  rightEye: [number, number];
  mouth: [number, number];
}

export interface ModelManifest {
  format: string;
  formatVersion: number;
  name: string;
  resolution: number;
  architecture: Architecture;
  canonical: Landmarks;
  /** The z coordinates a page may set by meaning (docs/model-format.md, "Controls"); absent: none. */
  controls?: Controls;
  data: { teacher: string; licence: string; provenance: string };
  dtype: WeightDtype;
  weightFiles: { path: string; byteLength: number; sha256: string }[];
  tensors: { name: string; shape: number[]; file: number; byteOffset: number }[];
}

export interface LoadedModel {
  manifest: ModelManifest;
  url: string;
  /** float32 data by tensor name */
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

/** A model could not be used; `message` says what was expected and what arrived. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function fail(what: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : (JSON.stringify(got) ?? String(got));
  throw new ModelLoadError(`${what}: expected ${expected}, got ${shown}`);
}

/** The tensors an architecture needs, in file order, with their shapes (NHWC; dense [in, out]). */
export function expectedShapes(a: Architecture): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const { zDim: z, wDim: w, channels: ch } = a;
  for (let i = 0; i < a.mappingLayers; i++) {
    s.set(`mapping.${i}.weight`, [i === 0 ? z + (a.zSteps?.steps.length ?? 0) : w, w]);
    s.set(`mapping.${i}.bias`, [w]);
  }
  s.set('w_avg', [w]);
  s.set('const', [1, 4, 4, ch[0]!]);
  const modconv = (p: string, cin: number, cout: number) => {
    s.set(`${p}.affine.weight`, [w, cin]);
    s.set(`${p}.affine.bias`, [cin]);
    s.set(`${p}.depthwise`, [3, 3, cin, 1]);
    s.set(`${p}.pointwise`, [1, 1, cin, cout]);
    s.set(`${p}.bias`, [cout]);
  };
  ch.forEach((c, b) => {
    modconv(`conv.${2 * b}`, b === 0 ? ch[0]! : ch[b - 1]!, c);
    modconv(`conv.${2 * b + 1}`, c, c);
  });
  const heads: [string, number, [number, number]][] = [['head', ch[ch.length - 1]!, a.headChannels]];
  if (a.skip) heads.push(['skip', ch[ch.length - 2]!, a.skipHeadChannels ?? a.headChannels]);
  for (const [p, cin, [c1, c2]] of heads) {
    modconv(`${p}.mod`, cin, 4 * c1);
    s.set(`${p}.conv1.weight`, [3, 3, c1, 4 * c2]);
    s.set(`${p}.conv1.bias`, [4 * c2]);
    s.set(`${p}.conv2.weight`, [3, 3, c2, 4]);
    s.set(`${p}.conv2.bias`, [4]);
  }
  return s;
}

/** model.json as parsed, before validateManifest has looked at it: any field may be missing or of any type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each field is checked before anything relies on it
type Unchecked = Record<string, any>;

/** Checks everything in model.json that does not need the weight bytes. Throws ModelLoadError. */
export function validateManifest(m: unknown): ModelManifest {
  if (typeof m !== 'object' || m === null) fail('model.json', 'a JSON object', m);
  const o = m as Unchecked;
  if (o.format !== MODEL_FORMAT) fail('model.json format', JSON.stringify(MODEL_FORMAT), o.format);
  if (o.formatVersion !== MODEL_FORMAT_VERSION)
    fail('model.json formatVersion', String(MODEL_FORMAT_VERSION), o.formatVersion);
  if (o.dtype !== 'float16' && o.dtype !== 'float32') fail('model.json dtype', '"float16" or "float32"', o.dtype);
  const a = o.architecture ?? {};
  for (const k of ['zDim', 'wDim', 'mappingLayers', 'numWs'] as const) {
    if (!isPosInt(a[k])) fail(`architecture.${k}`, 'a positive integer', a[k]);
  }
  if (!Array.isArray(a.channels) || a.channels.length < 1 || !a.channels.every(isPosInt)) {
    fail('architecture.channels', 'a non-empty list of positive integers', a.channels);
  }
  if (!Array.isArray(a.headChannels) || a.headChannels.length !== 2 || !a.headChannels.every(isPosInt)) {
    fail('architecture.headChannels', 'two positive integers', a.headChannels);
  }
  if (a.numWs !== 2 * a.channels.length + 1) fail('architecture.numWs', String(2 * a.channels.length + 1), a.numWs);
  if (typeof a.lreluSlope !== 'number') fail('architecture.lreluSlope', 'a number', a.lreluSlope);
  if (a.skip !== undefined && typeof a.skip !== 'boolean') fail('architecture.skip', 'true or false', a.skip);
  if (a.skip && a.channels.length < 2) fail('architecture.skip', 'false for a single block', a.skip);
  if (a.skipHeadChannels !== undefined) {
    if (!a.skip) fail('architecture.skipHeadChannels', 'absent without skip', a.skipHeadChannels);
    if (!Array.isArray(a.skipHeadChannels) || a.skipHeadChannels.length !== 2 || !a.skipHeadChannels.every(isPosInt))
      fail('architecture.skipHeadChannels', 'two positive integers', a.skipHeadChannels);
  }
  if (a.zSteps !== undefined) {
    const st = a.zSteps;
    if (!(typeof st?.width === 'number' && st.width > 0))
      fail('architecture.zSteps.width', 'a positive number', st?.width);
    if (!Array.isArray(st.steps)) fail('architecture.zSteps.steps', 'a list of [z index, threshold]', st.steps);
    for (const step of st.steps) {
      const ok =
        Array.isArray(step) &&
        step.length === 2 &&
        Number.isInteger(step[0]) &&
        step[0] >= 0 &&
        step[0] < a.zDim &&
        Number.isFinite(step[1]);
      if (!ok) fail('architecture.zSteps step', `[z index in 0..${a.zDim - 1}, a finite threshold]`, step);
    }
  }
  const res = 16 * 2 ** (a.channels.length - 1);
  if (o.resolution !== res) fail('model.json resolution', `${res} (4 * 4 * 2^(blocks - 1))`, o.resolution);
  for (const k of ['leftEye', 'rightEye', 'mouth']) {
    const p = o.canonical?.[k];
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v: unknown) => typeof v === 'number')) {
      fail(`canonical.${k}`, '[x, y] in output pixels', p);
    }
  }
  if (o.controls !== undefined) validateControls(o.controls, a.zDim, ModelLoadError);
  if (!Array.isArray(o.weightFiles) || o.weightFiles.length === 0)
    fail('weightFiles', 'a non-empty list', o.weightFiles);
  for (const f of o.weightFiles) {
    if (typeof f?.path !== 'string' || !isPosInt(f?.byteLength) || !/^[0-9a-f]{64}$/.test(f?.sha256 ?? '')) {
      fail('weightFiles entry', '{path, byteLength, sha256 (64 hex digits)}', f);
    }
  }
  const shapes = expectedShapes(a as Architecture);
  const listed = new Map<string, Unchecked>((o.tensors ?? []).map((t: Unchecked) => [t?.name, t]));
  const missing = [...shapes.keys()].filter((k) => !listed.has(k));
  const extra = [...listed.keys()].filter((k) => !shapes.has(k));
  if (missing.length || extra.length) {
    fail('model.json tensors', `exactly the tensors of the architecture`, { missing, extra });
  }
  const bytesPer = BYTES_PER_ELEMENT[o.dtype as WeightDtype];
  for (const [name, shape] of shapes) {
    const t = listed.get(name)!; // every expected tensor is listed: a missing one failed above
    if (JSON.stringify(t.shape) !== JSON.stringify(shape)) fail(`tensor ${name} shape`, JSON.stringify(shape), t.shape);
    const file = o.weightFiles[t.file];
    if (!file) fail(`tensor ${name} file`, `an index below ${o.weightFiles.length}`, t.file);
    const end = t.byteOffset + shape.reduce((x, y) => x * y, 1) * bytesPer;
    if (!Number.isInteger(t.byteOffset) || t.byteOffset < 0 || end > file.byteLength) {
      fail(`tensor ${name} byte range`, `within ${file.path} (${file.byteLength} bytes)`, [t.byteOffset, end]);
    }
  }
  return o as ModelManifest;
}

/** IEEE half -> float, for the float16 weight files. */
function halfToFloat(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] =
      exp === 0
        ? sign * 2 ** -14 * (frac / 1024)
        : exp === 31
          ? frac
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

export interface LoadOptions {
  signal?: AbortSignal;
  /** Called with a fraction in [0, 1] as weight bytes arrive. */
  onProgress?: (fraction: number) => void;
}

async function fetchOk(url: string, what: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ModelLoadError(`${what} ${url}: expected a response, got a network error (${(e as Error).message})`);
  }
  if (!res.ok)
    throw new ModelLoadError(`${what} ${url}: expected HTTP 200, got ${res.status} ${res.statusText}`.trim());
  return res;
}

/** Fetches, validates (format, shapes, byte lengths, sha256) and decodes a model. */
export async function loadModel(url: string, opts: LoadOptions = {}): Promise<LoadedModel> {
  const res = await fetchOk(url, 'model.json', opts.signal);
  let json: unknown;
  try {
    json = await res.json();
  } catch (e) {
    throw new ModelLoadError(`model.json ${url}: expected JSON, got unparsable text (${(e as Error).message})`);
  }
  const manifest = validateManifest(json);
  const files: ArrayBuffer[] = [];
  const total = manifest.weightFiles.reduce((s, f) => s + f.byteLength, 0);
  let loaded = 0;
  for (const f of manifest.weightFiles) {
    const fileUrl = new URL(f.path, new URL(url, location.href)).href;
    const buf = await (await fetchOk(fileUrl, 'weight file', opts.signal)).arrayBuffer();
    if (buf.byteLength !== f.byteLength) fail(`weight file ${f.path}`, `${f.byteLength} bytes`, buf.byteLength);
    const digest = await sha256Hex(buf);
    if (digest !== f.sha256) fail(`weight file ${f.path} sha256`, f.sha256, digest);
    files.push(buf);
    loaded += buf.byteLength;
    opts.onProgress?.(loaded / total);
  }
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of manifest.tensors) {
    const n = t.shape.reduce((x, y) => x * y, 1);
    const bytes = files[t.file]!.slice(t.byteOffset, t.byteOffset + n * BYTES_PER_ELEMENT[manifest.dtype]);
    const data = manifest.dtype === 'float16' ? halfToFloat(new Uint16Array(bytes)) : new Float32Array(bytes);
    weights.set(t.name, { shape: t.shape, data });
  }
  return { manifest, url, weights };
}
