// Building blocks of the teachers' z -> parameters rules (toon.mjs, sketch.mjs), written once.

// Standard normal CDF, so that a Gaussian z coordinate becomes a uniform u in (0, 1).
// Abramowitz-Stegun 7.1.26 erf approximation: smooth and monotone, error < 1.5e-7.
export function normalCdf(x) {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export const lerp = (a, b, u) => a + (b - a) * u;
// A discrete choice from one coordinate: equal-probability bins of u.
export const pick = (list, u) => list[Math.min(list.length - 1, Math.floor(u * list.length))];
// Where `pick` over n items changes its choice: the u values k / n, k = 1..n-1.
export const pickCuts = (n, scale = 1) => Array.from({ length: n - 1 }, (_, k) => (scale * (k + 1)) / n);

function hexToRgb(hex) {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
// A colour ramp sampled continuously: neighbouring u give neighbouring colours. Stops are hex colours, with
// or without '#' (facesjs wants it, DiceBear not); the result is written the way the stops are.
export function ramp(stops, u) {
  const x = u * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const a = hexToRgb(stops[i]);
  const b = hexToRgb(stops[i + 1]);
  const c = a.map((v, k) => Math.round(lerp(v, b[k], x - i)).toString(16).padStart(2, '0')).join('');
  return stops[i].startsWith('#') ? `#${c}` : c;
}

/** Landmarks given in the drawing's units, as fractions of the square `frame` {x, y, size} (x right, y down). */
export function landmarksInFrame(landmarks, frame) {
  const out = {};
  for (const [k, [x, y]] of Object.entries(landmarks)) out[k] = [(x - frame.x) / frame.size, (y - frame.y) / frame.size];
  return out;
}
