/**
 * The head's pose from its landmarks: a least-squares affine camera (weak perspective) that maps the canonical
 * mesh onto this frame's landmarks, and the yaw, pitch and roll it implies. The lens also uses the camera to
 * place mesh points that have no landmark (the ring around the face, for hair and ears).
 */
import { CANONICAL_VERTICES } from './canonical-mesh.js';

/** Degrees. Conventions are those of the unmirrored frame (the camera's own view of the user). */
export interface HeadPose {
  /** > 0: the nose points to the frame's right (the user turns to their left). */
  yaw: number;
  /** > 0: the nose points up. */
  pitch: number;
  /** In-plane rotation, > 0 clockwise as seen on screen. */
  roll: number;
}

/** Row-major 3 x 4: frame (x, y, z) = A [cx, cy, cz, 1] for a canonical point c. */
export type AffineCamera = Float64Array;

/** Solves A x = b for a 4 x 4 system by Gauss-Jordan with partial pivoting (A row-major; both copied). */
function solve4(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const m = Float64Array.from(a),
    x = Float64Array.from(b);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(m[4 * r + c]!) > Math.abs(m[4 * p + c]!)) p = r;
    if (Math.abs(m[4 * p + c]!) < 1e-12) throw new Error('head pose: the canonical points are degenerate');
    for (let k = 0; k < 4; k++) [m[4 * c + k], m[4 * p + k]] = [m[4 * p + k]!, m[4 * c + k]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = m[4 * r + c]! / m[4 * c + c]!;
      for (let k = 0; k < 4; k++) m[4 * r + k]! -= f * m[4 * c + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = 0; r < 4; r++) x[r]! /= m[4 * r + r]!;
  return x;
}

/** Fits affine cameras for one canonical shape; the normal matrix depends only on it, so it is built once. */
export class CameraFitter {
  private readonly normal = new Float64Array(16);

  constructor(private readonly canonical: Float32Array) {
    for (let i = 0; i < CANONICAL_VERTICES; i++) {
      const c = [canonical[3 * i]!, canonical[3 * i + 1]!, canonical[3 * i + 2]!, 1];
      for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) this.normal[4 * r + k]! += c[r]! * c[k]!;
    }
  }

  /** The affine camera for this frame's landmarks (x, y, z per point, at least the 468 mesh points). */
  fit(landmarks: ArrayLike<number>): AffineCamera {
    const rhs = new Float64Array(12); // 4 x 3: canonical^T * landmarks
    const cn = this.canonical;
    for (let i = 0; i < CANONICAL_VERTICES; i++) {
      const c0 = cn[3 * i]!,
        c1 = cn[3 * i + 1]!,
        c2 = cn[3 * i + 2]!;
      for (let d = 0; d < 3; d++) {
        const l = landmarks[3 * i + d]!;
        rhs[d]! += c0 * l;
        rhs[3 + d]! += c1 * l;
        rhs[6 + d]! += c2 * l;
        rhs[9 + d]! += l;
      }
    }
    const a = new Float64Array(12);
    for (let d = 0; d < 3; d++) {
      const col = solve4(this.normal, [rhs[d]!, rhs[3 + d]!, rhs[6 + d]!, rhs[9 + d]!]);
      for (let k = 0; k < 4; k++) a[4 * d + k] = col[k]!;
    }
    return a;
  }
}

/** The camera's linear part applied to a canonical direction (no translation). */
export function applyLinear(a: AffineCamera, dx: number, dy: number, dz: number): [number, number, number] {
  return [
    a[0]! * dx + a[1]! * dy + a[2]! * dz,
    a[4]! * dx + a[5]! * dy + a[6]! * dz,
    a[8]! * dx + a[9]! * dy + a[10]! * dz,
  ];
}

const DEG = 180 / Math.PI;

/**
 * Yaw, pitch and roll from an affine camera fitted in frame pixels (y down, z away from the camera). Only its x
 * and y rows are used, the landmarks' depth being an estimate on another scale: under weak perspective they are
 * the scale times the first two rows of the head's rotation, and the third row is their cross product.
 */
export function poseFromCamera(a: AffineCamera): HeadPose {
  const n = (v: number[]) => {
    const l = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
    return v.map((x) => x / l);
  };
  const u = n([a[0]!, a[1]!, a[2]!]),
    w = n([a[4]!, a[5]!, a[6]!]);
  // Make the rows orthogonal, splitting the correction between them.
  const d = u[0]! * w[0]! + u[1]! * w[1]! + u[2]! * w[2]!;
  const r1 = n(u.map((x, i) => x - (d / 2) * w[i]!)),
    r2 = n(w.map((x, i) => x - (d / 2) * u[i]!));
  const r3 = [r1[1]! * r2[2]! - r1[2]! * r2[1]!, r1[2]! * r2[0]! - r1[0]! * r2[2]!, r1[0]! * r2[1]! - r1[1]! * r2[0]!];
  // Roll: where the canonical x axis (the frame's right when frontal) points on screen.
  const roll = Math.atan2(r2[0]!, r1[0]!);
  // The face's forward axis (canonical +z; frontal it is (0, 0, -1), towards the camera), with the roll undone.
  const fx = r1[2]!,
    fy = r2[2]!,
    fz = r3[2]!;
  const c = Math.cos(-roll),
    s = Math.sin(-roll);
  const x = c * fx - s * fy,
    y = s * fx + c * fy;
  return {
    yaw: Math.atan2(x, -fz) * DEG,
    pitch: Math.atan2(-y, Math.hypot(x, fz)) * DEG,
    roll: roll * DEG,
  };
}
