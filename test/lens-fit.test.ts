// The generated face's silhouette fitted to the user's face oval: on a still photo (Chromium's fake camera plays
// the still-face clip, face-api's sample3.jpg), the lens wears toon's golden faces' silhouettes
// (their alpha, painted one flat green so that the overlay can be found in the composited pixels), and along rays
// from the face oval's centre through each of the user's jaw and cheek landmarks, the overlay's outline must land
// on the landmark. Toon's heads are narrower at the jaw, and their chins higher, than the face mesh's oval (by
// up to a tenth of the face): without the fit the user's own jaw shows below the drawn one. Both compositors,
// unmirrored and mirrored. Runs in the `lens-fit` group of web-test-runner.config.mjs.
import { expect } from '@esm-bundle/chai';
import { FACE_OVAL } from '../src/camera/canonical-mesh.js';
import { startLensPipeline, type Rgba, type Sample } from './lens-helpers.js';

const SEEDS = [7, 42, 2024];

/** Toon's golden face for a seed, its alpha kept and its colour one flat green (premultiplied). */
async function greenSilhouette(seed: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(
    await (await fetch(new URL(`../models/toon/goldens/seed-${seed}.rgba`, import.meta.url))).arrayBuffer(),
  );
  const out = new Uint8Array(bytes.length);
  for (let i = 3; i < bytes.length; i += 4) {
    const a = bytes[i]!;
    out[i - 2] = Math.round((200 * a) / 255);
    out[i] = a;
  }
  return out;
}

const isGreen = (img: Rgba, x: number, y: number): boolean => {
  const xi = Math.round(x),
    yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= img.width || yi >= img.height) return false;
  const k = 4 * (yi * img.width + xi);
  return img.data[k + 1]! > 140 && img.data[k]! < 60 && img.data[k + 2]! < 60;
};

/**
 * Along the ray from the face oval's centre through each jaw and cheek landmark (the oval below the ears: half way
 * from the eyes down to the mouth), the overlay's outline (its last green pixel before a gap wider than the open
 * mouth: 0.15 of the way) less the landmark's distance, in pixels; and the face's width (the oval's), for scale.
 */
function outlineErrors(s: Sample, mirror: boolean): { errors: number[]; width: number } {
  const lm = s.detail.faces[0]!.landmarks!;
  const at = (i: number): [number, number] => [mirror ? s.shot.width - lm[3 * i]! : lm[3 * i]!, lm[3 * i + 1]!];
  const oval = FACE_OVAL.map(at);
  const cx = oval.reduce((t, p) => t + p[0], 0) / oval.length,
    cy = oval.reduce((t, p) => t + p[1], 0) / oval.length;
  const eyeY = (at(33)[1] + at(133)[1] + at(263)[1] + at(362)[1]) / 4,
    mouthY = (at(13)[1] + at(14)[1]) / 2;
  const errors: number[] = [];
  for (const [x, y] of oval) {
    if (y <= eyeY + 0.5 * (mouthY - eyeY)) continue; // below the ears, which may stand out past the oval
    const len = Math.hypot(x - cx, y - cy);
    const [ux, uy] = [(x - cx) / len, (y - cy) / len];
    let last = -1,
      clear = 0;
    for (let t = 0.4 * len; t < 1.8 * len; t += 0.5) {
      if (isGreen(s.shot, cx + ux * t, cy + uy * t)) {
        last = t;
        clear = 0;
      } else if (last > 0 && (clear += 0.5) >= 0.15 * len) break; // past the mouth's opening
    }
    errors.push(last > 0 ? last - len : -len);
  }
  const xs = oval.map((p) => p[0]);
  return { errors, width: Math.max(...xs) - Math.min(...xs) };
}

type GetContext = (this: HTMLCanvasElement, type: string, options?: unknown) => RenderingContext | null;
const proto = HTMLCanvasElement.prototype as unknown as { getContext: GetContext };

/** Runs `f` with the page's canvas elements giving no WebGL2 (the camera view then draws with the 2D compositor). */
async function withoutWebGL2<T>(f: () => Promise<T>): Promise<T> {
  const real = proto.getContext;
  proto.getContext = function (type, options) {
    return type === 'webgl2' ? null : real.call(this, type, options);
  };
  try {
    return await f();
  } finally {
    proto.getContext = real;
  }
}

/** One face, wearing its generated face (a mirrored view's frame code cannot be read: not asked for). */
const overlaid = (s: Sample) => s.detail.faces.length === 1 && s.detail.faces[0]!.overlaid;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the generated face fitted to the face oval', function () {
  this.timeout(900000); // four pipelines: MediaPipe's start, then three faces each, on a software GPU

  for (const compositor of ['webgl2', '2d'] as const) {
    for (const mirror of [false, true]) {
      it(`${compositor}${mirror ? ', mirrored' : ''}: the overlay's jaw and cheeks lie on the user's`, async () => {
        const faces = new Map<number, Uint8Array>();
        for (const seed of SEEDS) faces.set(seed, await greenSilhouette(seed));
        let seed = SEEDS[0]!,
          served = -1;
        const start = () =>
          startLensPipeline(
            {
              faceFor: async () => {
                const face = faces.get(seed)!;
                served = seed;
                return face;
              },
            },
            { mirror },
          );
        const run = compositor === '2d' ? await withoutWebGL2(start) : await start();
        try {
          const all: number[] = [];
          let width = 0;
          for (const s of SEEDS) {
            seed = s;
            run.pipeline.invalidateFaces();
            // The face for this seed is in, then a few frames for the landmarks to settle.
            await run.until((x) => overlaid(x) && served === s);
            let got = await run.until(overlaid);
            for (let k = 0; k < 3; k++) got = await run.until(overlaid);
            expect(got.detail.compositor).to.equal(compositor);
            const { errors, width: w } = outlineErrors(got, mirror);
            width = w;
            const abs = errors.map(Math.abs);
            console.log(
              `${compositor}${mirror ? ' mirrored' : ''}, toon seed ${s}: outline - landmark at ${errors.length} jaw and cheek points, mean |d| ${mean(abs).toFixed(1)} px, max ${Math.max(...abs).toFixed(1)} px, mean d ${mean(errors).toFixed(1)} px (face ${w.toFixed(0)} px wide)`,
            );
            all.push(...abs);
          }
          const m = mean(all);
          console.log(`${compositor}${mirror ? ' mirrored' : ''}: mean |d| over the seeds ${m.toFixed(1)} px`);
          expect(run.errors).to.deep.equal([]);
          // Without the fit the outline sits 19 - 20 px (0.08 of the face's width) inside the jaw here; fitted,
          // 3.8 - 5.2 px (docs/test-margins.md). A long-haired seed keeps the most: hair beside the jaw is silhouette too.
          expect(m).to.be.below(0.035 * width);
        } finally {
          run.pipeline.stop();
          run.canvas.remove();
        }
      });
    }
  }
});
