/**
 * Face controls: set a style's z coordinates by meaning (skin tone, hair colour, face width). The block comes from
 * model.json (`controls`, docs/model-format.md "Controls"); the value-to-coordinate rule is specified there and
 * written the same way in training/controls.py, checked against test/fixtures/control-vectors.json. No DOM.
 */
import type { ErrorClass } from './options.js';

export type Control =
  | { kind: 'ramp'; z: number; stops: string[] }
  | { kind: 'range'; z: number }
  | { kind: 'switch'; z: number; below: number };

export type Controls = Record<string, Control>;

/** The values a caller may give: a colour for a ramp (`#rrggbb` or `#rgb`), 0..1 for a range, a boolean for a switch. */
export type ControlValues = Record<string, string | number | boolean>;

/** u stays inside [U_MIN, 1 - U_MIN]: |z| <= 2.33, where the student has seen faces. */
const U_MIN = 0.01;
const SAMPLES_PER_SEGMENT = 32;

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Checks model.json's `controls` against the architecture's z size; returns it typed. Throws `E`. */
export function validateControls(v: unknown, zDim: number, E: ErrorClass): Controls {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new E(`controls: expected an object, got ${show(v)}`);
  const out: Controls = {};
  for (const [name, c] of Object.entries(v as Record<string, Record<string, unknown>>)) {
    const where = `controls.${name}`;
    if (typeof c !== 'object' || c === null) throw new E(`${where}: expected an object, got ${show(c)}`);
    const z = c.z;
    if (typeof z !== 'number' || !Number.isInteger(z) || z < 0 || z >= zDim)
      throw new E(`${where}.z: expected an integer in [0, ${zDim - 1}], got ${show(z)}`);
    if (c.kind === 'ramp') {
      const stops = c.stops;
      if (!Array.isArray(stops) || stops.length < 2 || !stops.every((s) => typeof s === 'string' && hexRgb(s)))
        throw new E(`${where}.stops: expected two or more #rrggbb colours, got ${JSON.stringify(stops)}`);
      out[name] = { kind: 'ramp', z, stops: stops as string[] };
    } else if (c.kind === 'range') {
      out[name] = { kind: 'range', z };
    } else if (c.kind === 'switch') {
      const below = c.below;
      if (typeof below !== 'number' || !(below > 0 && below < 1))
        throw new E(`${where}.below: expected a number in (0, 1), got ${show(below)}`);
      out[name] = { kind: 'switch', z, below };
    } else {
      throw new E(`${where}.kind: expected "ramp", "range" or "switch", got ${show(c.kind)}`);
    }
  }
  return out;
}

/** `#rrggbb` or `#rgb` (any case) as [r, g, b] in 0..255, else null. */
export function hexRgb(text: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (!m) return null;
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** One sRGB channel, 0..255, in linear light, 0..1. */
export function srgbToLinear(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** sRGB 0..255 -> CIELAB (D65). */
export function srgbToLab([r, g, b]: readonly number[]): [number, number, number] {
  const lin = [r!, g!, b!].map(srgbToLinear);
  const [R, G, B] = lin as [number, number, number];
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const e = (6 / 29) ** 3;
  const f = (t: number) => (t > e ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** The ramp position in [0, 1] whose colour (the teacher's sRGB mix of the stops) is nearest `rgb` in CIELAB. */
export function rampPosition(stops: readonly string[], rgb: readonly number[]): number {
  const s = stops.map((c) => hexRgb(c)!);
  const k = SAMPLES_PER_SEGMENT * (s.length - 1);
  const target = srgbToLab(rgb);
  let best = 0,
    bestD = Infinity;
  for (let j = 0; j <= k; j++) {
    const x = (j / k) * (s.length - 1);
    const i = Math.min(s.length - 2, Math.floor(x));
    const a = s[i]!,
      b = s[i + 1]!;
    const lab = srgbToLab(a.map((v, c) => v + (b[c]! - v) * (x - i)));
    const d = (lab[0] - target[0]) ** 2 + (lab[1] - target[1]) ** 2 + (lab[2] - target[2]) ** 2;
    if (d < bestD) [best, bestD] = [j / k, d];
  }
  return best;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < lo) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - lo) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5,
    r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** A control's u for a value; throws `E` naming the option when the value does not fit the control's kind. */
export function controlU(option: string, control: Control, value: unknown, E: ErrorClass = RangeError): number {
  let u: number;
  if (control.kind === 'ramp') {
    const rgb = typeof value === 'string' ? hexRgb(value) : null;
    if (!rgb) throw new E(`${option}: expected a colour such as #a0522d, got ${show(value)}`);
    u = rampPosition(control.stops, rgb);
  } else if (control.kind === 'range') {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      throw new E(`${option}: expected a number in [0, 1], got ${show(value)}`);
    u = value;
  } else {
    if (typeof value !== 'boolean') throw new E(`${option}: expected true or false, got ${show(value)}`);
    u = value ? control.below / 2 : (1 + control.below) / 2;
  }
  return Math.min(1 - U_MIN, Math.max(U_MIN, u));
}

/**
 * `z` with each given control's coordinate set; the rest of z is kept. `names` maps a control to the option name
 * the caller knows it by (`skin-tone` for the element), for messages. Throws `E` for a control the style lacks,
 * naming the ones it has.
 */
export function applyControls(
  z: Float32Array,
  controls: Controls | undefined,
  values: ControlValues,
  E: ErrorClass = RangeError,
  names: (control: string) => string = (c) => c,
): Float32Array {
  const given = Object.entries(values).filter(([, v]) => v !== undefined && v !== null);
  if (given.length === 0) return z;
  const out = Float32Array.from(z);
  for (const [name, value] of given) {
    const control = controls?.[name];
    if (!control) {
      const has = Object.keys(controls ?? {});
      throw new E(
        `${names(name)}: expected a control of this style (${has.length ? has.map(names).join(', ') : 'it has none'}), got ${show(value)} for one it lacks`,
      );
    }
    out[control.z] = normalQuantile(controlU(names(name), control, value, E));
  }
  return out;
}
