import { expect } from '@esm-bundle/chai';
import { seedToZ } from '../dist/blaze-face.js';
import { BUNDLED_STYLES } from '../dist/internal.js';
import { cleanup, diffStats, makeFace, next, pngPixels, premultiply } from './helpers.js';

// What users see of the latent space, on every shipped style. The wasm backend keeps the many generations quick;
// the goldens tests cover the other backends' numerics.
type Face = HTMLElement & { capture(): Promise<Blob> };

/**
 * A captured face as the page shows it: premultiplied colour. The straight colour a PNG carries is invisible where
 * alpha is low, and there it depends on the engine's canvas storage (8-bit premultiplied in Firefox and WebKit
 * amplifies rounding at the face's edge into large straight-colour jumps).
 */
async function frame(el: Face): Promise<Uint8Array> {
  return premultiply((await pngPixels(await el.capture())).data);
}

/** Sets attributes and waits for the face they give. */
async function show(el: Face, attrs: Record<string, string>): Promise<Uint8Array> {
  const rendered = next(el, 'blaze-face-render');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  await rendered;
  return frame(el);
}

/** The `latent` attribute at angle t (0..pi/2) of the great circle from a to b: the demo's Animate path. */
function onArc(a: Float32Array, b: Float32Array, t: number): string {
  return Array.from(a, (v, k) => (v * Math.cos(t) + b[k]! * Math.sin(t)).toFixed(5)).join(',');
}

/**
 * Flicker check on a sequence of frames: the largest frame-to-frame change may be at most SMOOTH.ratio times
 * the median one and at most SMOOTH.share of the change from the first frame to the last.
 */
function smoothness(frames: Uint8Array[]) {
  const steps = frames.slice(1).map((f, i) => diffStats(frames[i]!, f).mean);
  const sorted = [...steps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const max = sorted[sorted.length - 1]!;
  const total = diffStats(frames[0]!, frames[frames.length - 1]!).mean;
  return { steps, median, max, total, ratio: max / median, share: max / total };
}
const SMOOTH = { ratio: 3, share: 0.2 };
const isSmooth = (s: ReturnType<typeof smoothness>) => s.ratio <= SMOOTH.ratio && s.share <= SMOOTH.share;

for (const style of BUNDLED_STYLES) {
  describe(`latent space of "${style}"`, () => {
    afterEach(cleanup);

    it('changes the face smoothly along an interpolation path between two seeds', async () => {
      const el = makeFace({ 'face-style': style, backend: 'wasm', seed: '7' }) as Face;
      await next(el, 'blaze-face-render');
      // The demo's Animate path: the great circle from seed 7's latent to seed 8's (it keeps |z| typical).
      const a = seedToZ(7, 64);
      const b = seedToZ(8, 64);
      const n = 24;
      const frames: Uint8Array[] = [];
      for (let i = 0; i <= n; i++) frames.push(await show(el, { latent: onArc(a, b, (i / n) * (Math.PI / 2)) }));
      const s = smoothness(frames);
      console.log(
        `${style} path: step median ${s.median.toFixed(2)}, max ${s.max.toFixed(2)} (x${s.ratio.toFixed(2)}), ends ${s.total.toFixed(2)}`,
      );
      expect(s.total, 'the two ends are different faces').to.be.greaterThan(8);
      expect(s.ratio, `largest step over median step (steps ${s.steps.map((v) => v.toFixed(2))})`).to.be.at.most(
        SMOOTH.ratio,
      );
      expect(s.share, 'largest step as a share of the whole change').to.be.at.most(SMOOTH.share);

      // The same check flags a cut: the first half of one path spliced to the second half of another.
      const other: Uint8Array[] = [];
      const c = seedToZ(9, 64);
      for (let i = n / 2 + 1; i <= n; i++) other.push(await show(el, { latent: onArc(c, b, (i / n) * (Math.PI / 2)) }));
      expect(isSmooth(smoothness([...frames.slice(0, n / 2 + 1), ...other])), 'a spliced path is caught').to.equal(
        false,
      );
    });

    it('truncation 0 gives the same (average) face for any seed, and variety grows with truncation', async () => {
      const el = makeFace({ 'face-style': style, backend: 'wasm', seed: '100' }) as Face;
      await next(el, 'blaze-face-render');
      const seeds = ['1', '2', '3', '4'];
      const spread = async (truncation: string) => {
        const faces: Uint8Array[] = [];
        for (const seed of seeds) faces.push(await show(el, { seed, truncation }));
        let sum = 0;
        let max = 0;
        let pairs = 0;
        for (let i = 0; i < faces.length; i++) {
          for (let j = i + 1; j < faces.length; j++) {
            const d = diffStats(faces[i]!, faces[j]!);
            sum += d.mean;
            max = Math.max(max, d.max);
            pairs++;
          }
        }
        return { mean: sum / pairs, max, first: faces[0]! };
      };
      const t0 = await spread('0');
      const t05 = await spread('0.5');
      const t1 = await spread('1');
      console.log(
        `${style} spread between seeds: truncation 0 ${t0.mean.toFixed(2)} (max ${t0.max}), 0.5 ${t05.mean.toFixed(2)}, 1 ${t1.mean.toFixed(2)}`,
      );
      expect(t0.max, 'truncation 0: every seed draws the same face').to.be.at.most(1);
      expect(t05.mean, 'truncation 0.5 varies').to.be.greaterThan(1);
      expect(t1.mean, 'truncation 1 varies more than 0.5').to.be.greaterThan(t05.mean * 1.2);
      // A latent given outright follows the same rule.
      const avgFromLatent = await show(el, {
        latent: Array.from(seedToZ(99, 64), (v) => v.toFixed(5)).join(','),
        truncation: '0',
      });
      expect(diffStats(avgFromLatent, t0.first).max).to.be.at.most(1);
    });
  });
}
