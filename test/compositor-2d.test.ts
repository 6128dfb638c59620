// The 2D-canvas compositor (src/camera/compositor-2d.ts), without a camera: its pure parts (the triangle maps, the
// painter's order, the bakes of feather and edge weight), and its picture against the WebGL2 compositor's on the
// same frame, the real lens mesh (MediaPipe's canonical mesh from the built face_landmarker.task) posed in it.
import { expect } from '@esm-bundle/chai';
import {
  INVERSE_STRIDE,
  alphaOf,
  bakeFaceTexture,
  bakeLensTextures,
  depthOrder,
  edgeWeightMask,
  expandTriangle,
  featherAlpha,
  triangleCoverage,
  triangleInverses,
  CLEAR,
  PARTIAL,
  SOLID,
  triangleTransform,
} from '../src/camera/compositor-2d-math.js';
import type { CompositeOptions, FaceDraw, MeshDraw } from '../src/camera/face-compositor.js';
import { CompositorWebGL2 } from '../src/camera/compositor-webgl2.js';
import { Compositor2D } from '../src/camera/compositor-2d.js';
import { readBundleEntry } from '../src/camera/task-bundle.js';
import { parseCanonicalMesh } from '../src/camera/canonical-mesh.js';
import { GEOMETRY_ENTRY } from '../src/camera/face-mesh-finder.js';
import { LensMesh } from '../src/camera/lens-mesh.js';
import { snapshot, type Rgba } from './lens-helpers.js';
import { within } from './wait.js';
import { ENGINE, requires } from './engine.js';

const TASK_URL = new URL('../models/mediapipe/face_landmarker.task', import.meta.url).href;

/** A canvas transform [a, b, c, d, e, f] applied to (x, y). */
const apply = (m: Float64Array, x: number, y: number) => [m[0]! * x + m[2]! * y + m[4]!, m[1]! * x + m[3]! * y + m[5]!];

/** Signed distance of (px, py) from the line through a and b, positive on the side away from c. */
function outside(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, px: number, py: number) {
  const nx = by - ay,
    ny = ax - bx;
  const len = Math.hypot(nx, ny);
  const side = Math.sign(nx * (cx - ax) + ny * (cy - ay));
  return (-side * (nx * (px - ax) + ny * (py - ay))) / len;
}

describe('the 2D compositor: pure parts', () => {
  it('maps each texture triangle exactly onto its frame triangle', () => {
    const indices = Uint16Array.from([0, 1, 2, 2, 1, 3]);
    const texCoords = Float32Array.from([0.1, 0.2, 0.8, 0.25, 0.3, 0.9, 0.95, 0.7]);
    const inverses = triangleInverses(indices, texCoords);
    expect(inverses.length).to.equal(2 * INVERSE_STRIDE);
    const size = 256;
    const frame = [
      [100, 50],
      [300, 80],
      [120, 400],
      [330, 420],
    ];
    const m = new Float64Array(6);
    for (let t = 0; t < 2; t++) {
      const [a, b, c] = [0, 1, 2].map((k) => indices[3 * t + k]!) as [number, number, number];
      const ok = triangleTransform(
        inverses,
        t * INVERSE_STRIDE,
        size,
        frame[a]![0]!,
        frame[a]![1]!,
        frame[b]![0]!,
        frame[b]![1]!,
        frame[c]![0]!,
        frame[c]![1]!,
        m,
      );
      expect(ok).to.equal(true);
      for (const v of [a, b, c]) {
        const [x, y] = apply(m, texCoords[2 * v]! * size, texCoords[2 * v + 1]! * size);
        expect(x).to.be.closeTo(frame[v]![0]!, 1e-6);
        expect(y).to.be.closeTo(frame[v]![1]!, 1e-6);
      }
    }
  });

  it('skips a triangle with no area in the texture', () => {
    const inverses = triangleInverses(Uint16Array.from([0, 1, 2]), Float32Array.from([0, 0, 0.5, 0.5, 1, 1]));
    expect(triangleTransform(inverses, 0, 64, 0, 0, 10, 0, 0, 10, new Float64Array(6))).to.equal(false);
  });

  it('grows a triangle by the asked amount on every edge, cutting its corners rather than drawing them out', () => {
    const e = new Float64Array(12);
    for (const [x0, y0, x1, y1, x2, y2] of [
      [10, 10, 50, 12, 20, 60],
      [10, 10, 20, 60, 50, 12], // the other winding
      [0, 0, 400, 0, 200, 1], // a sliver
    ] as const) {
      expect(expandTriangle(x0, y0, x1, y1, x2, y2, 0.75, e)).to.equal(true);
      const p = [x0, y0, x1, y1, x2, y2];
      // Edge k's two grown ends lie 0.75 px outside it, away from the third corner, each 0.75 px from its corner.
      for (let k = 0; k < 3; k++) {
        const i = k,
          j = (k + 1) % 3,
          o = (k + 2) % 3;
        for (const [q, from] of [
          [2 * k, i],
          [2 * k + 1, j],
        ] as const) {
          const [ex, ey] = [e[2 * q]!, e[2 * q + 1]!];
          const d = outside(p[2 * i]!, p[2 * i + 1]!, p[2 * j]!, p[2 * j + 1]!, p[2 * o]!, p[2 * o + 1]!, ex, ey);
          expect(d).to.be.closeTo(0.75, 1e-6);
          expect(Math.hypot(ex - p[2 * from]!, ey - p[2 * from + 1]!)).to.be.closeTo(0.75, 1e-6);
        }
      }
    }
    expect(expandTriangle(0, 0, 10, 10, 20, 20, 0.75, e), 'no area').to.equal(false);
  });

  it('orders triangles farthest first (z larger is farther), and keeps that order as depths change', () => {
    const indices = Uint16Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const z = [5, 5, 5, 9, 9, 9, 1, 1, 1];
    const positions = new Float32Array(27);
    z.forEach((v, i) => (positions[3 * i + 2] = v));
    const keys = new Float32Array(3),
      order = Uint16Array.from([0, 1, 2]);
    depthOrder(positions, indices, keys, order);
    expect([...order]).to.deep.equal([1, 0, 2]);
    for (let i = 0; i < 3; i++) positions[3 * (6 + i) + 2] = 20; // the third triangle moves to the back
    depthOrder(positions, indices, keys, order);
    expect([...order]).to.deep.equal([2, 1, 0]);
  });

  it('interpolates the edge weight over the texture, spreading it two texels past the mesh', () => {
    // Two triangles over the square 0.25..0.75, weight 1 on the left edge and 0 on the right.
    const texCoords = Float32Array.from([0.25, 0.25, 0.75, 0.25, 0.75, 0.75, 0.25, 0.75]);
    const indices = Uint16Array.from([0, 1, 2, 0, 2, 3]);
    const size = 64;
    const mask = edgeWeightMask(indices, texCoords, Float32Array.from([1, 0, 0, 1]), size);
    for (const [x, y] of [
      [20, 20],
      [32, 40],
      [44, 30],
    ]) {
      const u = (x + 0.5) / size;
      expect(mask[y * size + x]).to.be.closeTo(1 - (u - 0.25) / 0.5, 1e-5);
    }
    // Texel 16 (centre 16.5 / 64 = 0.258) is inside; 15 and 14 are the spread; 13 and the far corner none.
    expect(mask[32 * size + 15]).to.be.closeTo(mask[32 * size + 16]!, 1e-6);
    expect(mask[32 * size + 14]).to.be.closeTo(mask[32 * size + 16]!, 1e-6);
    expect(mask[32 * size + 13]).to.equal(0);
    expect(mask[0]).to.equal(0);
  });

  it('feathers the alpha inward only: the inside stays opaque, the outside transparent, the edge fades', () => {
    const size = 64;
    const alpha = new Float32Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) alpha[y * size + x] = Math.hypot(x - 32, y - 32) < 20 ? 1 : 0;
    const f = featherAlpha(alpha, size, 8);
    expect(f[32 * size + 32]).to.equal(1);
    expect(f[2 * size + 2]).to.equal(0);
    for (let i = 0; i < f.length; i++) expect(f[i]).to.be.at.most(alpha[i]!);
    // Just inside the edge it is partly transparent; a width of 1 or less changes nothing.
    expect(f[32 * size + 13]).to.be.within(0.05, 0.8);
    expect([...featherAlpha(alpha, size, 1)]).to.deep.equal([...alpha]);
  });

  it('bakes a flat face: straight colour, mirrored when asked, with the feathered alpha', () => {
    const size = 4;
    const rgba = new Uint8Array(size * size * 4);
    // Texel (0, 1): premultiplied (100, 50, 0) at alpha 200; (3, 1): opaque white.
    rgba.set([100, 50, 0, 200], 4 * (1 * size + 0));
    rgba.set([255, 255, 255, 255], 4 * (1 * size + 3));
    const alpha = alphaOf(rgba);
    const near = (got: Uint8ClampedArray, want: number[]) =>
      want.forEach((w, k) => expect(got[k], `channel ${k}`).to.be.closeTo(w, 1));
    const flat = bakeFaceTexture(rgba, size, { alpha, mirror: false });
    near(flat.subarray(4 * 4, 4 * 4 + 4), [127.5, 63.75, 0, 200]);
    const mirrored = bakeFaceTexture(rgba, size, { alpha, mirror: true });
    near(mirrored.subarray(4 * 7, 4 * 7 + 4), [127.5, 63.75, 0, 200]);
    near(mirrored.subarray(4 * 4, 4 * 4 + 4), [255, 255, 255, 255]);
    // A feathered alpha below the face's own: the colour stays, the alpha is the feathered one.
    const half = bakeFaceTexture(rgba, size, { alpha: alpha.map((a) => a / 2), mirror: false });
    near(half.subarray(4 * 7, 4 * 7 + 4), [255, 255, 255, 128]);
  });

  it('bakes a lens face into opaque colour and cover: alpha x smoothstep(edge weight) x the round fade', () => {
    const size = 64;
    const rgba = new Uint8Array(size * size * 4);
    for (let i = 0; i < size * size; i++) rgba.set([100, 50, 0, 200], 4 * i); // straight (127.5, 63.75, 0), a 0.78
    const weight = new Float32Array(size * size).fill(1);
    weight[32 * size + 20] = 0.5; // smoothstep 0.5
    weight[32 * size + 21] = 0;
    const { colour, cover, alpha } = bakeLensTextures(rgba, size, {
      alpha: alphaOf(rgba),
      mirror: false,
      edgeWeight: weight,
    });
    const at = (img: Uint8ClampedArray, x: number, y: number) => [
      ...img.subarray(4 * (y * size + x), 4 * (y * size + x) + 4),
    ];
    const a = 200 / 255;
    expect(alpha[32 * size + 32]).to.be.closeTo(a, 1e-6);
    expect(alpha[32 * size + 20]).to.be.closeTo(a / 2, 1e-6);
    expect(alpha[32 * size + 21]).to.equal(0);
    // Texel 0 of row 32 is 0.984 of the half-width from the centre: 1 - smoothstep(0.8, 1, 0.984) of the round fade.
    const r = 2 * Math.hypot(0.5 / size - 0.5, 32.5 / size - 0.5),
      t = (r - 0.8) / 0.2;
    expect(alpha[32 * size]).to.be.closeTo(a * (1 - t * t * (3 - 2 * t)), 1e-6);
    expect(alpha[0]).to.equal(0); // a corner: outside the disc
    for (const [x, want] of [
      [32, a],
      [20, a / 2],
      [21, 0],
    ] as const) {
      const c = at(colour, x, 32),
        g = at(cover, x, 32);
      [127.5 * want, 63.75 * want, 0, 255].forEach((w, k) => expect(c[k]).to.be.closeTo(w, 1));
      [255 * (1 - want), 255 * (1 - want), 255 * (1 - want), 255].forEach((w, k) => expect(g[k]).to.be.closeTo(w, 1));
    }
    // Mirrored: the face is read from the other side, the lens weight stays where the mesh puts it.
    rgba.set([0, 0, 0, 0], 4 * (32 * size + (size - 1 - 40)));
    const m = bakeLensTextures(rgba, size, { alpha: alphaOf(rgba), mirror: true, edgeWeight: weight });
    expect(m.alpha[32 * size + 40]).to.equal(0);
    expect(m.alpha[32 * size + 21]).to.equal(0);
    expect(m.alpha[32 * size + 20]).to.be.closeTo(a / 2, 1e-6);
  });

  it('sorts triangles into clear, solid and partial by the lens alpha over them and a margin', () => {
    const size = 32;
    const alpha = new Float32Array(size * size).fill(1);
    alpha[16 * size + 24] = 0.5;
    for (let y = 0; y < size; y++) for (let x = 0; x < 6; x++) alpha[y * size + x] = 0;
    // 0: over texels 10..14, far from anything soft; 1: within 3 texels of the soft one; 2: reaching the
    // texture's edge (outside it is transparent) over the opaque part; 3: inside the transparent band.
    const texCoords = Float32Array.from([
      10, 4, 14, 4, 10, 12,
      14, 14, 21, 14, 14, 20,
      28, 4, 31.5, 4, 28, 8,
      0.5, 20, 2, 20, 1, 26,
    ].map((c) => c / size)); // prettier-ignore
    const indices = Uint16Array.from({ length: 12 }, (_, i) => i);
    expect([...triangleCoverage(indices, texCoords, alpha, size, 3)]).to.deep.equal([SOLID, PARTIAL, PARTIAL, CLEAR]);
  });
});

/** Frame pixels of canonical points seen by a camera: rotate (yaw, pitch, roll in degrees), scale, shift. */
function posed(points: Float32Array, yaw: number, roll: number, scale: number, at: [number, number]) {
  const r = Math.PI / 180;
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    // Canonical (y up, z to the camera) -> camera axes (y down, z away), then yaw, then roll.
    let x = points[i]!,
      y = -points[i + 1]!,
      z = -points[i + 2]!;
    [x, z] = [Math.cos(yaw * r) * x - Math.sin(yaw * r) * z, Math.sin(yaw * r) * x + Math.cos(yaw * r) * z];
    [x, y] = [Math.cos(roll * r) * x - Math.sin(roll * r) * y, Math.sin(roll * r) * x + Math.cos(roll * r) * y];
    out[i] = at[0] + scale * x;
    out[i + 1] = at[1] + scale * y;
    out[i + 2] = scale * z;
  }
  return out;
}

/** A face-like texture, premultiplied: smooth colour gradients inside a head-shaped alpha that fades over 6 px. */
function gradientFace(R: number, radius = 0.42): Uint8Array {
  const out = new Uint8Array(R * R * 4);
  for (let y = 0; y < R; y++) {
    for (let x = 0; x < R; x++) {
      const d = Math.hypot(x - R / 2, (y - R / 2) / 1.2) - radius * R;
      const a = Math.min(1, Math.max(0, -d / 6));
      const rgb = [120 + 100 * Math.sin(x / 23), 110 + 90 * Math.cos(y / 17), 128 + 100 * Math.sin((x + y) / 31)];
      out.set([...rgb.map((c) => Math.round(c * a)), Math.round(255 * a)], 4 * (y * R + x));
    }
  }
  return out;
}

/** An opaque face of one colour over the whole texture. */
const flatColour = (R: number, rgb: [number, number, number]) => {
  const out = new Uint8Array(R * R * 4);
  for (let i = 0; i < R * R; i++) out.set([...rgb, 255], 4 * i);
  return out;
};

/** A video element showing a still picture (a canvas stream), 640 x 480: coarse stripes and a gradient. */
async function stillVideo(): Promise<{ video: HTMLVideoElement; stop(): void }> {
  const c = document.createElement('canvas');
  c.width = 640;
  c.height = 480;
  const ctx = c.getContext('2d')!;
  const g = ctx.createLinearGradient(0, 0, 640, 480);
  g.addColorStop(0, '#203040');
  g.addColorStop(1, '#d0c0a0');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 640, 480);
  ctx.fillStyle = '#406080';
  for (let x = 0; x < 640; x += 80) ctx.fillRect(x, 0, 30, 480);
  const stream = c.captureStream();
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  // The stream takes a frame when the canvas is painted: paint until the video shows some (the pixel painted is
  // already of that colour, so every frame is the same picture).
  let painting = true;
  const paint = () => {
    if (!painting) return;
    ctx.fillRect(0, 0, 1, 1);
    setTimeout(paint, 30);
  };
  paint();
  try {
    await within(video.play(), 30000, 'the still video to play');
    await within(
      new Promise((r) => video.requestVideoFrameCallback(() => video.requestVideoFrameCallback(r))),
      30000,
      'the still video to show two frames',
    );
  } finally {
    painting = false;
  }
  return {
    video,
    stop: () => {
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}

/** Per pixel, the largest channel difference. */
function pixelDiffs(a: Rgba, b: Rgba): Float32Array {
  const out = new Float32Array(a.width * a.height);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.max(
      Math.abs(a.data[4 * i]! - b.data[4 * i]!),
      Math.abs(a.data[4 * i + 1]! - b.data[4 * i + 1]!),
      Math.abs(a.data[4 * i + 2]! - b.data[4 * i + 2]!),
    );
  }
  return out;
}

describe('the 2D compositor against the WebGL2 compositor', () => {
  // The comparisons need the browser's WebGL2 (the 2D compositor is for where there is none); dispose does not.
  const hasWebGL2 = document.createElement('canvas').getContext('webgl2') !== null;
  let lens: LensMesh;
  let still: Awaited<ReturnType<typeof stillVideo>>;
  const R = 256;
  const canonical = { leftEye: [93.1, 122.2], rightEye: [162.9, 122.2], mouth: [128, 197.8] } as const;

  before(async () => {
    const r = await fetch(TASK_URL);
    expect(r.ok, `${TASK_URL}: HTTP ${r.status} (npm run build:face-model)`).to.equal(true);
    lens = new LensMesh(parseCanonicalMesh(readBundleEntry(new Uint8Array(await r.arrayBuffer()), GEOMETRY_ENTRY)));
    still = await stillVideo();
  });

  after(() => still?.stop());

  /** Both compositors draw the same frame, faces and settings; their pictures, and the bare frame. */
  function drawBoth(face: Uint8Array, flat: FaceDraw[], meshes: MeshDraw[], o: CompositeOptions) {
    const glCanvas = document.createElement('canvas'),
      canvas2d = document.createElement('canvas');
    const gl = new CompositorWebGL2(glCanvas, { lost() {}, restored() {}, failed() {} });
    const c2 = new Compositor2D(canvas2d);
    expect([gl.kind, c2.kind]).to.deep.equal(['webgl2', '2d']);
    try {
      const geometry = {
        vertexCount: lens.vertexCount,
        indices: lens.indices,
        edgeWeight: lens.edgeWeight,
        texCoords: lens.textureCoords(canonical, R),
      };
      // The lens face (slot 0) with its silhouette fitted to the oval, as the pipeline gives it: both compositors
      // draw it with the same per-face texture coordinates (the mirrored ones in a mirrored view).
      const fit = lens.fitFace(canonical, R, face);
      for (const c of [gl, c2]) {
        c.setLensGeometry(geometry);
        c.setFace(0, face, R, fit);
        c.setFace(1, face, R);
      }
      gl.draw(still.video, flat, meshes, o);
      const webgl = snapshot(glCanvas);
      c2.draw(still.video, flat, meshes, o);
      const twoD = snapshot(canvas2d);
      c2.draw(still.video, [], [], o);
      const bare = snapshot(canvas2d);
      return { webgl, twoD, bare };
    } finally {
      gl.dispose();
      c2.dispose();
    }
  }

  const at: [number, number] = [330, 250];
  const meshAt = (yaw: number, roll: number): MeshDraw => ({
    slot: 0,
    positions: posed(lens.positions, yaw, roll, 11, at),
    centre: at,
    size: 170,
  });
  // A flat face at the top left, turned 20 degrees and at 0.6 of its size.
  const s = 0.6,
    turn = (20 * Math.PI) / 180;
  const flatFace: FaceDraw = {
    slot: 1,
    transform: { a: s * Math.cos(turn), b: s * Math.sin(turn), tx: 60, ty: 10 },
  };

  for (const o of [
    { mirror: false, opacity: 1, feather: 0, lighting: 0, yaw: 0, roll: 0 },
    { mirror: true, opacity: 0.7, feather: 0.5, lighting: 0, yaw: 25, roll: -15 },
    { mirror: false, opacity: 1, feather: 1, lighting: 0, yaw: -35, roll: 10 },
    // A head narrower than the face oval, its outline inside the texture: the silhouette fit warps it.
    { mirror: false, opacity: 1, feather: 0, lighting: 0, yaw: 15, roll: 5, head: 0.33 },
    { mirror: true, opacity: 1, feather: 0.5, lighting: 0, yaw: -20, roll: -5, head: 0.33 },
  ]) {
    it(`draws what WebGL2 draws, unlit: ${JSON.stringify(o)}`, function () {
      requires(this, hasWebGL2, 'compares with the WebGL2 compositor, and this browser has no WebGL2');
      const face = gradientFace(R, o.head);
      const { webgl, twoD, bare } = drawBoth(face, [flatFace], [meshAt(o.yaw, o.roll)], o);
      // Where either compositor drew a face; elsewhere both must show the frame.
      const toBare = pixelDiffs(webgl, bare),
        diff = pixelDiffs(webgl, twoD),
        twoDToBare = pixelDiffs(twoD, bare);
      let n = 0,
        sum = 0,
        far = 0,
        rest = 0,
        restMax = 0;
      for (let i = 0; i < diff.length; i++) {
        if (toBare[i]! > 8 || twoDToBare[i]! > 8) {
          n++;
          sum += diff[i]!;
          if (diff[i]! > 48) far++;
        } else {
          rest++;
          restMax = Math.max(restMax, diff[i]!);
        }
      }
      console.log(
        `2D vs WebGL2 ${JSON.stringify(o)}: ${n} face pixels, mean |diff| ${(sum / n).toFixed(2)}, ${((100 * far) / n).toFixed(2)} % over 48; elsewhere max ${restMax}`,
      );
      if (o.head) {
        // The fit is in play: the lens face's own texture coordinates differ from the mesh's shared ones.
        const fit = lens.fitFace(canonical, R, face).texCoords,
          shared = lens.textureCoords(canonical, R);
        expect(Math.max(...fit.map((u, k) => Math.abs(u - shared[k]!)))).to.be.above(0.02);
      }
      expect(n, 'the faces cover part of the frame').to.be.above(20000);
      expect(rest, 'and leave most of it').to.be.above(150000);
      expect(sum / n).to.be.below(6);
      expect(far / n).to.be.below(0.02);
      expect(restMax, 'outside the faces both show the frame').to.be.at.most(8);
    });
  }

  it('leaves no seam between lens triangles: wherever WebGL2 shows the opaque face, so does the 2D canvas', function () {
    requires(this, hasWebGL2, 'compares with the WebGL2 compositor, and this browser has no WebGL2');
    const red: [number, number, number] = [230, 20, 20];
    const o = { mirror: true, opacity: 1, feather: 0, lighting: 0 };
    const { webgl, twoD } = drawBoth(flatColour(R, red), [], [meshAt(15, 5)], o);
    const w = webgl.width,
      h = webgl.height;
    // Within 4 levels: Firefox's 8-bit layers round the flat red to (231, 23, 23) in places; a seam lets the frame
    // through, tens of levels away.
    const isRed = (img: Rgba, i: number) =>
      Math.abs(img.data[4 * i]! - red[0]) <= 4 &&
      Math.abs(img.data[4 * i + 1]! - red[1]) <= 4 &&
      Math.abs(img.data[4 * i + 2]! - red[2]) <= 4;
    // Pixels 2 px or more inside the WebGL2 face: the open mouth's edge, aliased there and smoothed here, is no seam.
    const interior = (x: number, y: number) => {
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) if (!isRed(webgl, (y + dy) * w + x + dx)) return false;
      return true;
    };
    let solid = 0,
      broken = 0;
    for (let y = 2; y < h - 2; y++) {
      for (let x = 2; x < w - 2; x++) {
        if (!interior(x, y)) continue;
        solid++;
        if (!isRed(twoD, y * w + x)) broken++;
      }
    }
    console.log(`seams: ${broken} of ${solid} solid WebGL2 face pixels are not solid in 2D`);
    expect(solid).to.be.above(15000);
    // In Firefox one diagonal triangle edge keeps a 5-pixel line of partial cover (seen here), grown edges or not.
    expect(broken).to.be.at.most(ENGINE === 'firefox' ? 10 : 0);
  });

  it("lights the lens with the frame's shading: darker where the frame under it is darker", function () {
    requires(this, hasWebGL2, 'lighting is drawn by the WebGL2 compositor, and this browser has no WebGL2');
    const grey: [number, number, number] = [150, 150, 150];
    const base = { mirror: false, opacity: 1, feather: 0 };
    const unlit = drawBoth(flatColour(R, grey), [], [meshAt(0, 0)], { ...base, lighting: 0 }).webgl;
    const lit = drawBoth(flatColour(R, grey), [], [meshAt(0, 0)], { ...base, lighting: 1 }).webgl;
    // The frame's gradient runs from dark at the top left to light at the bottom right, so the lit face's gain
    // (lit over unlit, on the pixels the unlit face covers in full) rises from its top-left quarter to its
    // bottom-right one.
    const gain = { topLeft: [] as number[], bottomRight: [] as number[] };
    for (let y = 0; y < unlit.height; y++) {
      for (let x = 0; x < unlit.width; x++) {
        const i = 4 * (y * unlit.width + x);
        if (Math.abs(unlit.data[i]! - grey[0]) > 2 || Math.abs(unlit.data[i + 2]! - grey[2]) > 2) continue;
        const g = lit.data[i + 1]! / unlit.data[i + 1]!;
        if (x < at[0] - 20 && y < at[1] - 20) gain.topLeft.push(g);
        if (x > at[0] + 20 && y > at[1] + 20) gain.bottomRight.push(g);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [tl, br] = [mean(gain.topLeft), mean(gain.bottomRight)];
    console.log(
      `lens lighting: gain ${tl.toFixed(2)} top left (${gain.topLeft.length} px), ${br.toFixed(2)} bottom right (${gain.bottomRight.length} px)`,
    );
    expect(Math.min(gain.topLeft.length, gain.bottomRight.length)).to.be.above(2000);
    expect(br - tl).to.be.above(0.15);
    expect(tl).to.be.below(1);
  });

  it('releases its canvases on dispose', () => {
    const canvas = document.createElement('canvas');
    const c2 = new Compositor2D(canvas);
    c2.setLensGeometry({
      vertexCount: lens.vertexCount,
      indices: lens.indices,
      edgeWeight: lens.edgeWeight,
      texCoords: lens.textureCoords(canonical, R),
    });
    c2.setFace(0, gradientFace(R), R);
    c2.draw(still.video, [], [meshAt(0, 0)], { mirror: false, opacity: 1, feather: 0.3, lighting: 0 });
    expect([canvas.width, canvas.height]).to.deep.equal([640, 480]);
    expect(c2.hasFace(0)).to.equal(true);
    c2.dispose();
    expect(c2.hasFace(0)).to.equal(false);
    expect([canvas.width, canvas.height]).to.deep.equal([0, 0]);
  });
});
