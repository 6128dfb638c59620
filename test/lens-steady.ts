// Helpers for the jitter and lag tests: where the marker face's eyes are drawn in each processed frame, and the
// lag that best lines a track up with the clip's known motion.
import { blobCentre, overlaid, type Sample } from './lens-helpers.js';

/** The midpoint of the marker face's two eyes as drawn (frame pixels), or null if either is not visible. */
export function drawnEyes(s: Sample): [number, number] | null {
  const red = blobCentre(s.shot, 'red'),
    blue = blobCentre(s.shot, 'blue');
  return red && blue ? [(red[0] + blue[0]) / 2, (red[1] + blue[1]) / 2] : null;
}

/** Root-mean-square distance of points from their mean, and the largest distance. */
export function spread(points: readonly (readonly [number, number])[]): { rms: number; max: number } {
  const mx = points.reduce((a, p) => a + p[0], 0) / points.length,
    my = points.reduce((a, p) => a + p[1], 0) / points.length;
  const d = points.map((p) => Math.hypot(p[0] - mx, p[1] - my));
  return { rms: Math.sqrt(d.reduce((a, x) => a + x * x, 0) / d.length), max: Math.max(...d) };
}

/**
 * The delay (in clip frames, 0 to `maxLag` by 0.05) that best fits x[i] = offset + truth(frame[i] - delay) in the
 * least-squares sense, the fit's RMS residual in pixels and its offset.
 */
export function fitLag(
  frames: readonly number[],
  xs: readonly number[],
  truth: (f: number) => number,
  maxLag = 8,
): { lag: number; rms: number; offset: number } {
  let best = { lag: 0, rms: Infinity, offset: 0 };
  for (let lag = 0; lag <= maxLag + 1e-9; lag += 0.05) {
    const r = xs.map((x, i) => x - truth(frames[i]! - lag));
    const offset = r.reduce((a, v) => a + v, 0) / r.length;
    const rms = Math.sqrt(r.reduce((a, v) => a + (v - offset) ** 2, 0) / r.length);
    if (rms < best.rms) best = { lag, rms, offset };
  }
  return best;
}

/** The next `n` overlaid samples with a readable frame number whose eyes are visible, with their eyes. */
export async function eyeSamples(
  until: (ok: (s: Sample) => boolean, ms?: number) => Promise<Sample>,
  n: number,
): Promise<{ sample: Sample; eyes: [number, number]; at: number }[]> {
  const got: { sample: Sample; eyes: [number, number]; at: number }[] = [];
  while (got.length < n) {
    const s = await until(overlaid, 60000);
    const eyes = drawnEyes(s);
    if (eyes) got.push({ sample: s, eyes, at: performance.now() });
  }
  return got;
}
