// The overlay's outline: where a generated face reaches the edge of its texture, the overlay fades out along a
// round outline, never along the texture's rectangle. Both compositors (WebGL2 and the 2D fallback), a flat face
// and a lens mesh, without a camera: a still grey frame, and a face opaque to its texture's very edge.
import { expect } from '@esm-bundle/chai';
import type { CompositeOptions, FaceCompositor } from '../src/camera/face-compositor.js';
import { CompositorWebGL2 } from '../src/camera/compositor-webgl2.js';
import { Compositor2D } from '../src/camera/compositor-2d.js';
import { snapshot, type Rgba } from './lens-helpers.js';
import { within } from './wait.js';
import { ENGINE, requires } from './engine.js';

const W = 320,
  H = 240,
  R = 64;
/** The face on screen: 192 px square at (64, 24), axis-aligned, so the texture's rectangle would be too. */
const SIDE = 192,
  X0 = 64,
  Y0 = 24;
const GREY = 128;

/** A video element showing a flat grey picture (a canvas stream), W x H. */
async function greyVideo(): Promise<{ video: HTMLVideoElement; stop(): void }> {
  const c = document.createElement('canvas');
  [c.width, c.height] = [W, H];
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = `rgb(${GREY}, ${GREY}, ${GREY})`;
  ctx.fillRect(0, 0, W, H);
  const stream = c.captureStream();
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  // A canvas stream takes a frame when the canvas is painted: repaint (the same picture) until frames arrive.
  const timer = setInterval(() => ctx.fillRect(0, 0, 1, 1), 30);
  try {
    await within(video.play(), 30000, 'the grey video to play');
    await within(
      new Promise<void>((resolve) => {
        const check = () => (video.videoWidth > 0 ? resolve() : setTimeout(check, 20));
        check();
      }),
      30000,
      'the grey video to show a frame',
    );
  } finally {
    clearInterval(timer);
  }
  return {
    video,
    stop: () => {
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}

/** A face opaque everywhere, to the texture's edge: magenta, premultiplied. */
function opaqueFace(): Uint8Array {
  const out = new Uint8Array(R * R * 4);
  for (let i = 0; i < R * R; i++) out.set([255, 0, 255, 255], 4 * i);
  return out;
}

/** A lens mesh of one quad over the face's square whose texture coordinates run past the texture on every side. */
const QUAD = {
  vertexCount: 4,
  indices: Uint16Array.from([0, 1, 2, 2, 1, 3]),
  edgeWeight: Float32Array.from([1, 1, 1, 1]),
  texCoords: Float32Array.from([-0.25, -0.25, 1.25, -0.25, -0.25, 1.25, 1.25, 1.25]),
};
/** The quad's corners on screen: texture coordinates 0..1 land on the same square as the flat face. */
const QUAD_POSITIONS = (() => {
  const m = SIDE / 1.5,
    [a, b] = [X0 - m * 0.25, X0 + SIDE + m * 0.25],
    [c, d] = [Y0 - m * 0.25, Y0 + SIDE + m * 0.25];
  return Float32Array.from([a, c, 0, b, c, 0, a, d, 0, b, d, 0]);
})();

/** Pixels the overlay changed (magenta over grey). */
function overlayMask(img: Rgba): Uint8Array {
  const m = new Uint8Array(img.width * img.height);
  for (let i = 0; i < m.length; i++) {
    const r = img.data[4 * i]!,
      g = img.data[4 * i + 1]!;
    m[i] = r - g > 40 ? 1 : 0;
  }
  return m;
}

/**
 * The longest straight horizontal or vertical run of the mask's outline: consecutive mask pixels in a row (or
 * column) whose neighbour on the same side, above (left) or below (right), is outside the mask.
 */
function longestStraightRun(m: Uint8Array, w: number, h: number): number {
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : m[y * w + x]!);
  let best = 0;
  for (const [n, len, px] of [
    [h, w, (i: number, j: number, d: number) => [at(j, i), at(j, i + d)]],
    [w, h, (i: number, j: number, d: number) => [at(i, j), at(i + d, j)]],
  ] as const) {
    for (let i = 0; i < n; i++) {
      for (const d of [-1, 1]) {
        let run = 0;
        for (let j = 0; j < len; j++) {
          const [inside, beyond] = px(i, j, d);
          run = inside && !beyond ? run + 1 : 0;
          best = Math.max(best, run);
        }
      }
    }
  }
  return best;
}

describe('the overlay ends along a round outline, not along the texture', () => {
  let grey: Awaited<ReturnType<typeof greyVideo>>;
  before(async () => {
    grey = await greyVideo();
  });
  after(() => grey?.stop());

  const o: CompositeOptions = { mirror: false, opacity: 1, feather: 0, lighting: 0 };
  const compositors: [string, (c: HTMLCanvasElement) => FaceCompositor][] = [
    ['webgl2', (c) => new CompositorWebGL2(c, { lost() {}, restored() {}, failed() {} })],
    ['2d', (c) => new Compositor2D(c)],
  ];
  for (const [kind, make] of compositors) {
    for (const path of ['flat', 'lens'] as const) {
      it(`${kind}, ${path} face`, function () {
        requires(
          this,
          kind !== 'webgl2' || document.createElement('canvas').getContext('webgl2') !== null,
          'needs WebGL2',
        );
        const canvas = document.createElement('canvas');
        const c = make(canvas);
        try {
          c.setLensGeometry(QUAD);
          c.setFace(0, opaqueFace(), R);
          if (path === 'flat')
            c.draw(grey.video, [{ slot: 0, transform: { a: SIDE / R, b: 0, tx: X0, ty: Y0 } }], [], o);
          else c.draw(grey.video, [], [{ slot: 0, positions: QUAD_POSITIONS, centre: [160, 120], size: SIDE }], o);
          const img = snapshot(canvas);
          expect([img.width, img.height]).to.deep.equal([W, H]);
          const m = overlayMask(img);
          const area = m.reduce((s, v) => s + v, 0);
          const run = longestStraightRun(m, W, H);
          console.log(`${ENGINE} ${kind} ${path}: overlay ${area} px, longest straight outline run ${run} px`);
          // The overlay is there (at least the disc of 0.7 of the face's half-width) ...
          expect(area).to.be.above(Math.PI * (0.35 * SIDE) ** 2);
          // ... and nowhere does its outline follow the texture's 192 px edge: a circle of that size has flat
          // runs of about 2 sqrt(2 r) = 25 px at its top and sides.
          expect(run).to.be.below(0.25 * SIDE);
        } finally {
          c.dispose();
        }
      });
    }
  }
});
