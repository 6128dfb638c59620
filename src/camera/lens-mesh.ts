/**
 * The lens's mesh: MediaPipe's canonical face mesh, opened at the mouth and extended outward by rings, with
 * texture coordinates that put a generated face's eyes and mouth on the mesh's.
 *
 * - The 468 face vertices follow this frame's landmarks, so the face follows pose, face shape, jaw and lids.
 * - The triangles that close the inner lips are left out, so an open mouth shows an opening (the real mouth
 *   behind), not a stretched texture. The eyes stay closed surfaces: a blink squeezes the drawn eye shut.
 * - Beyond the face oval (the mesh's boundary), rings of vertices carry the generated face's hair, ears and
 *   head outline. They sit on the canonical head scaled out from the oval and pushed back, and are placed by
 *   the frame's affine camera as offsets from their oval vertex, so they turn with the head and move with the jaw.
 * - Each generated face then gets its own texture coordinates (fitFace), its silhouette fitted to the face oval.
 */
import { CANONICAL_VERTICES, FACE_OVAL, FEATURE_POINTS, INNER_LIPS, type CanonicalMesh } from './canonical-mesh.js';
import type { FaceFit } from './face-compositor.js';
import { applyLinear, type AffineCamera } from './head-pose.js';
import { completeRatios, silhouetteRatios, warpTexCoords } from './silhouette-fit.js';
import type { Point } from './similarity.js';
import { ROUND_FADE } from './compositor-2d-math.js';

/** Each ring: how far out from the oval's centre (x the oval) and how far back (canonical cm). */
export const RINGS = [
  { scale: 1.3, back: 1.5 },
  { scale: 1.7, back: 3.5 },
  { scale: 2.2, back: 6 },
] as const;

export interface ModelCanonical {
  leftEye: Point;
  rightEye: Point;
  mouth: Point;
}

export class LensMesh {
  readonly vertexCount = CANONICAL_VERTICES + FACE_OVAL.length * RINGS.length;
  readonly indices: Uint16Array;
  /** Per vertex: 1 inside, fading to 0 on the outermost ring, so the mesh has no hard outer edge. */
  readonly edgeWeight: Float32Array;
  /** Canonical x, y, z of every vertex, rings included. */
  readonly positions: Float32Array;

  constructor(mesh: CanonicalMesh) {
    const n = CANONICAL_VERTICES,
      m = FACE_OVAL.length;
    this.positions = new Float32Array(this.vertexCount * 3);
    this.positions.set(mesh.positions);
    let cx = 0,
      cy = 0;
    for (const i of FACE_OVAL) {
      cx += mesh.positions[3 * i]! / m;
      cy += mesh.positions[3 * i + 1]! / m;
    }
    RINGS.forEach((ring, r) =>
      FACE_OVAL.forEach((i, k) => {
        const v = n + r * m + k;
        this.positions[3 * v] = cx + ring.scale * (mesh.positions[3 * i]! - cx);
        this.positions[3 * v + 1] = cy + ring.scale * (mesh.positions[3 * i + 1]! - cy);
        this.positions[3 * v + 2] = mesh.positions[3 * i + 2]! - ring.back;
      }),
    );

    const lips = new Set<number>(INNER_LIPS);
    const tris: number[] = [];
    for (let t = 0; t < mesh.triangles.length; t += 3) {
      const a = mesh.triangles[t]!,
        b = mesh.triangles[t + 1]!,
        c = mesh.triangles[t + 2]!;
      if (!(lips.has(a) && lips.has(b) && lips.has(c))) tris.push(a, b, c);
    }
    const ring = (r: number, k: number) => (r < 0 ? FACE_OVAL[k % m]! : n + r * m + (k % m));
    for (let r = 0; r < RINGS.length; r++) {
      for (let k = 0; k < m; k++) {
        const a = ring(r - 1, k),
          b = ring(r - 1, k + 1),
          c = ring(r, k),
          d = ring(r, k + 1);
        tris.push(a, c, b, b, c, d);
      }
    }
    this.indices = Uint16Array.from(tris);
    this.edgeWeight = new Float32Array(this.vertexCount).fill(1);
    this.edgeWeight.fill(0, n + (RINGS.length - 1) * m);
  }

  /**
   * Texture coordinates (u, v in [0, 1], v down) of every vertex in a generated face of `resolution` pixels
   * whose eyes and mouth are at `canonical`: the affine map that puts the mesh's frontal eyes and mouth exactly
   * on the face's. Points that land outside the texture read as transparent.
   */
  textureCoords(canonical: ModelCanonical, resolution: number): Float32Array {
    const p = this.positions;
    const mean = (ids: readonly number[]): Point => [
      ids.reduce((s, i) => s + p[3 * i]!, 0) / ids.length,
      ids.reduce((s, i) => s + p[3 * i + 1]!, 0) / ids.length,
    ];
    const src = [mean(FEATURE_POINTS.leftEye), mean(FEATURE_POINTS.rightEye), mean(FEATURE_POINTS.mouth)];
    const dst = [canonical.leftEye, canonical.rightEye, canonical.mouth];
    const [mx, my] = [0, 1].map((d) =>
      solveAffine3(
        src,
        dst.map((q) => q[d]!),
      ),
    );
    const uv = new Float32Array(this.vertexCount * 2);
    for (let v = 0; v < this.vertexCount; v++) {
      const x = p[3 * v]!,
        y = p[3 * v + 1]!;
      uv[2 * v] = (mx![0]! * x + mx![1]! * y + mx![2]!) / resolution;
      uv[2 * v + 1] = (my![0]! * x + my![1]! * y + my![2]!) / resolution;
    }
    return uv;
  }

  /**
   * A generated face's own texture coordinates: textureCoords() with the face's silhouette (its alpha, `rgba`
   * premultiplied, `resolution` square) fitted to the face oval (silhouette-fit.ts), for the unmirrored view and
   * for the mirrored one (which samples the texture flipped). Once per face, on the CPU, from the bytes the
   * compositor takes in anyway.
   */
  fitFace(canonical: ModelCanonical, resolution: number, rgba: Uint8Array): FaceFit {
    const base = this.textureCoords(canonical, resolution);
    const m = FACE_OVAL.length;
    const oval = new Float32Array(2 * m);
    FACE_OVAL.forEach((i, k) => oval.set([base[2 * i]!, base[2 * i + 1]!], 2 * k));
    // The jaw and cheeks: the oval below the eyes (a quarter of the way down to the mouth); above, hair.
    const eyeV = (canonical.leftEye[1] + canonical.rightEye[1]) / 2;
    const belowV = (eyeV + 0.25 * (canonical.mouth[1] - eyeV)) / resolution;
    const measured = FACE_OVAL.map((_, k) => oval[2 * k + 1]! > belowV);
    const alpha = new Float32Array(resolution * resolution);
    for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[4 * i + 3]! / 255;
    // A face still opaque this near the texture's edge (a neck, hair) has run out of texture, not ended. (Toon's
    // chins end inside the compositors' round fade, from 0.8 of the half-width: they are measured.)
    const maxRadius = (0.95 * ROUND_FADE[1] * resolution) / 2;
    const fit = (mirror: boolean) =>
      warpTexCoords(
        base,
        oval,
        completeRatios(silhouetteRatios({ alpha, size: resolution, mirror, oval, measured, maxRadius })),
      );
    return { texCoords: fit(false), mirrored: fit(true) };
  }

  /**
   * This frame's vertex positions (x, y, z in frame pixels) into `out`: the landmarks for the face, and each
   * ring vertex as its oval vertex's landmark plus the camera's image of its canonical offset.
   */
  place(landmarks: ArrayLike<number>, camera: AffineCamera, out: Float32Array): void {
    const n = CANONICAL_VERTICES,
      m = FACE_OVAL.length,
      p = this.positions;
    for (let i = 0; i < 3 * n; i++) out[i] = landmarks[i]!;
    for (let r = 0; r < RINGS.length; r++) {
      for (let k = 0; k < m; k++) {
        const o = FACE_OVAL[k]!,
          v = n + r * m + k;
        const d = applyLinear(
          camera,
          p[3 * v]! - p[3 * o]!,
          p[3 * v + 1]! - p[3 * o + 1]!,
          p[3 * v + 2]! - p[3 * o + 2]!,
        );
        for (let c = 0; c < 3; c++) out[3 * v + c] = landmarks[3 * o + c]! + d[c]!;
      }
    }
  }
}

/** a, b, c with a x + b y + c = t at three points (exact). */
function solveAffine3(src: readonly Point[], t: readonly number[]): [number, number, number] {
  const [[x0, y0], [x1, y1], [x2, y2]] = src as [Point, Point, Point];
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  if (Math.abs(det) < 1e-9) throw new Error('lens: the eyes and mouth are collinear');
  const [t0, t1, t2] = t as [number, number, number];
  const a = (t0 * (y1 - y2) - y0 * (t1 - t2) + (t1 * y2 - t2 * y1)) / det;
  const b = (x0 * (t1 - t2) - t0 * (x1 - x2) + (x1 * t2 - x2 * t1)) / det;
  const c = (x0 * (y1 * t2 - y2 * t1) - y0 * (x1 * t2 - x2 * t1) + t0 * (x1 * y2 - x2 * y1)) / det;
  return [a, b, c];
}
