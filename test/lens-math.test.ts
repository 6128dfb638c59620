// The lens's pure parts, on MediaPipe's real canonical mesh from the built face_landmarker.task: the bundle
// reader, the mesh, the head pose and the expression measures, against faces made by posing that mesh.
import { expect } from '@esm-bundle/chai';
import { readBundleEntry } from '../src/camera/task-bundle.js';
import {
  CANONICAL_VERTICES,
  FACE_OVAL,
  FEATURE_POINTS,
  INNER_LIPS,
  parseCanonicalMesh,
  type CanonicalMesh,
} from '../src/camera/canonical-mesh.js';
import { GEOMETRY_ENTRY } from '../src/camera/face-mesh-finder.js';
import { CameraFitter, poseFromCamera } from '../src/camera/head-pose.js';
import { LensMesh, RINGS } from '../src/camera/lens-mesh.js';
import { measureExpression } from '../src/camera/face-expression.js';
import { FIT_RANGE, radialWarp } from '../src/camera/silhouette-fit.js';
import { CULL_MARGIN, visibleTriangles } from '../src/camera/lens-cull.js';

const TASK_URL = new URL('../models/mediapipe/face_landmarker.task', import.meta.url).href;

/** Frame pixels of canonical points seen by a camera: rotate (yaw, pitch, roll in degrees), scale, shift. */
function pose(points: Float32Array, { yaw = 0, pitch = 0, roll = 0, scale = 12, at = [320, 240] as [number, number] }) {
  const r = Math.PI / 180;
  const [cy, sy, cp, sp, cr, sr] = [
    Math.cos(yaw * r),
    Math.sin(yaw * r),
    Math.cos(pitch * r),
    Math.sin(pitch * r),
    Math.cos(roll * r),
    Math.sin(roll * r),
  ];
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    // Canonical (y up, z to the camera) -> camera axes (y down, z away), then pitch (nose up), yaw (nose to
    // the frame's right), roll (clockwise on screen).
    let x = points[i]!,
      y = -points[i + 1]!,
      z = -points[i + 2]!;
    [y, z] = [cp * y + sp * z, -sp * y + cp * z];
    [x, z] = [cy * x - sy * z, sy * x + cy * z];
    [x, y] = [cr * x - sr * y, sr * x + cr * y];
    out[i] = at[0] + scale * x;
    out[i + 1] = at[1] + scale * y;
    out[i + 2] = scale * z;
  }
  return out;
}

describe('the lens mesh and its measures', () => {
  let canonical: CanonicalMesh;

  before(async () => {
    const r = await fetch(TASK_URL);
    expect(r.ok, `${TASK_URL}: HTTP ${r.status} (npm run build:face-model)`).to.equal(true);
    canonical = parseCanonicalMesh(readBundleEntry(new Uint8Array(await r.arrayBuffer()), GEOMETRY_ENTRY));
  });

  it('reads the canonical mesh out of the .task: 468 vertices, 898 triangles, bounded by the face oval', () => {
    expect(canonical.positions.length).to.equal(3 * CANONICAL_VERTICES);
    expect(canonical.triangles.length).to.equal(3 * 898);
    const edges = new Map<string, number>();
    for (let t = 0; t < canonical.triangles.length; t += 3) {
      for (const [a, b] of [
        [0, 1],
        [1, 2],
        [2, 0],
      ]) {
        const e = [canonical.triangles[t + a]!, canonical.triangles[t + b]!].sort((p, q) => p - q).join('-');
        edges.set(e, (edges.get(e) ?? 0) + 1);
      }
    }
    const boundary = new Set([...edges].filter(([, n]) => n === 1).flatMap(([e]) => e.split('-').map(Number)));
    expect([...boundary].sort((a, b) => a - b)).to.deep.equal([...FACE_OVAL].sort((a, b) => a - b));
  });

  it('says what it expected of a bundle that is not one, or lacks the entry', () => {
    expect(() => readBundleEntry(new Uint8Array(100), GEOMETRY_ENTRY)).to.throw(/expected a \.task \(zip\) bundle/);
    expect(() => parseCanonicalMesh(new Uint8Array([0x08, 0x01]))).to.throw(/expected a canonical_mesh/);
  });

  it('opens the mouth, keeps the eyes closed surfaces and rings the oval', () => {
    const lens = new LensMesh(canonical);
    const lips = new Set<number>(INNER_LIPS);
    let mouthTris = 0;
    for (let t = 0; t < lens.indices.length; t += 3) {
      if ([0, 1, 2].every((k) => lips.has(lens.indices[t + k]!))) mouthTris++;
    }
    expect(mouthTris).to.equal(0);
    // 898 less the 18 mouth triangles, plus two triangles per oval edge per ring.
    expect(lens.indices.length / 3).to.equal(898 - 18 + 2 * FACE_OVAL.length * RINGS.length);
    expect(lens.vertexCount).to.equal(CANONICAL_VERTICES + FACE_OVAL.length * RINGS.length);
    expect(Math.max(...lens.indices)).to.equal(lens.vertexCount - 1);
  });

  it('maps the mesh eyes and mouth exactly onto the model canonical points', () => {
    const lens = new LensMesh(canonical);
    const R = 256,
      model = { leftEye: [93.1, 122.2] as const, rightEye: [162.9, 122.2] as const, mouth: [128, 197.8] as const };
    const uv = lens.textureCoords(model, R);
    const at = (ids: readonly number[]) =>
      [0, 1].map((d) => (R * ids.reduce((s, i) => s + uv[2 * i + d]!, 0)) / ids.length);
    for (const k of ['leftEye', 'rightEye', 'mouth'] as const) {
      const [x, y] = at(FEATURE_POINTS[k]);
      expect(Math.hypot(x! - model[k][0], y! - model[k][1]), k).to.be.below(1e-3);
    }
    // The forehead (point 10) is above the eyes in the texture and the chin (152) below the mouth.
    expect(uv[2 * 10 + 1]! * R).to.be.below(model.leftEye[1]);
    expect(uv[2 * 152 + 1]! * R).to.be.above(model.mouth[1]);
  });

  it("fits a face's silhouette to the oval: the jaw and cheeks onto its outline, the eyes and mouth kept", () => {
    const lens = new LensMesh(canonical);
    const R = 256,
      model = { leftEye: [93.1, 122.2] as const, rightEye: [162.9, 122.2] as const, mouth: [128, 197.8] as const };
    const base = lens.textureCoords(model, R);
    // A head narrower than the oval, with its chin higher: an ellipse about (128, 140), 70 across, 92 down.
    const [cx, cy, ax, ay] = [128, 140, 70, 92];
    const inside = (x: number, y: number) => ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 <= 1;
    const rgba = new Uint8Array(R * R * 4);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) if (inside(x, y)) rgba[4 * (y * R + x) + 3] = 255;
    const fit = lens.fitFace(model, R, rgba);
    // The chin and the jaw (below the mouth) now sample the ellipse's edge, within two texels.
    for (const i of [152, 148, 377, 176, 400, 150, 379]) {
      const [x, y] = [fit.texCoords[2 * i]! * R, fit.texCoords[2 * i + 1]! * R];
      const edge = Math.hypot((x - cx) / ax, (y - cy) / ay);
      expect(Math.abs(edge - 1) * Math.min(ax, ay), `vertex ${i} at ${x.toFixed(1)}, ${y.toFixed(1)}`).to.be.below(2);
      // Before the fit they sampled well outside it.
      expect(Math.hypot((base[2 * i]! * R - cx) / ax, (base[2 * i + 1]! * R - cy) / ay)).to.be.above(1.1);
    }
    // The eyes and mouth stay exactly where the shared coordinates put them.
    for (const i of [...FEATURE_POINTS.leftEye, ...FEATURE_POINTS.rightEye, ...FEATURE_POINTS.mouth])
      for (const d of [0, 1]) expect(fit.texCoords[2 * i + d]).to.be.closeTo(base[2 * i + d]!, 1e-6);
    // A symmetric silhouette: the mirrored fit is the same.
    for (let k = 0; k < fit.texCoords.length; k++) expect(fit.mirrored[k]).to.be.closeTo(fit.texCoords[k]!, 0.01);
    // The warp never folds: the radius grows with the radius, for every ratio the fit allows.
    for (const ratio of [FIT_RANGE[0], 0.85, 1, 1.2, FIT_RANGE[1]]) {
      let prev = -1;
      for (let rho = 0; rho <= 2; rho += 0.01) {
        const r = radialWarp(rho, ratio);
        expect(r, `ratio ${ratio}, rho ${rho.toFixed(2)}`).to.be.above(prev);
        prev = r;
      }
    }
    // A face opaque to the texture's edge has no outline to fit: the shared coordinates, unchanged.
    const opaque = lens.fitFace(model, R, new Uint8Array(R * R * 4).fill(255));
    for (let k = 0; k < base.length; k++) expect(opaque.texCoords[k]).to.be.closeTo(base[k]!, 1e-6);
  });

  it("draws only the lens triangles that show the face: over its alpha, inside the texture's disc", () => {
    const lens = new LensMesh(canonical);
    const R = 256,
      model = { leftEye: [93.1, 122.2] as const, rightEye: [162.9, 122.2] as const, mouth: [128, 197.8] as const };
    // A head like a generated one: an ellipse, with a tuft of hair out to the left only (x 40..70, y 50..90).
    const head = (x: number, y: number) =>
      ((x - 128) / 70) ** 2 + ((y - 140) / 92) ** 2 <= 1 || (x >= 40 && x < 70 && y >= 50 && y < 90);
    const faceAlpha = (opaque: (x: number, y: number) => boolean) => {
      const rgba = new Uint8Array(R * R * 4);
      const alpha = new Float32Array(R * R);
      for (let y = 0; y < R; y++)
        for (let x = 0; x < R; x++)
          if (opaque(x, y)) {
            rgba[4 * (y * R + x) + 3] = 255;
            alpha[y * R + x] = 1;
          }
      return { rgba, alpha };
    };
    const triangles = Array.from({ length: lens.indices.length / 3 }, (_, t) => [
      ...lens.indices.slice(3 * t, 3 * t + 3),
    ]);
    const keys = (t: Uint16Array) =>
      new Set(Array.from({ length: t.length / 3 }, (_, k) => t.slice(3 * k, 3 * k + 3).join()));
    /**
     * Checks that no dropped triangle shows anything: at points all over it (a barycentric grid) where its edge
     * weight is above 0, the texel the shader reads (at (1 - u, v) when mirrored) is transparent or outside the
     * disc, and so is every texel up to the margin less one around each point. Returns how many were dropped.
     */
    const check = (uv: Float32Array, mirror: boolean, opaque: (x: number, y: number) => boolean, kept: Set<string>) => {
      let dropped = 0;
      for (const tri of triangles) {
        if (kept.has(tri.join())) continue;
        dropped++;
        const n = 12;
        for (let i = 0; i <= n; i++)
          for (let j = 0; i + j <= n; j++) {
            const w = [i / n, j / n, 1 - (i + j) / n];
            if (tri.reduce((sum, k, m) => sum + w[m]! * lens.edgeWeight[k]!, 0) <= 0) continue;
            const u = tri.reduce((sum, k, m) => sum + w[m]! * uv[2 * k]!, 0),
              v = tri.reduce((sum, k, m) => sum + w[m]! * uv[2 * k + 1]!, 0);
            const [x, y] = [(mirror ? 1 - u : u) * R, v * R];
            for (let dy = -CULL_MARGIN + 1; dy < CULL_MARGIN; dy++)
              for (let dx = -CULL_MARGIN + 1; dx < CULL_MARGIN; dx++) {
                if (Math.hypot(dx, dy) > CULL_MARGIN - 1) continue;
                const [tx, ty] = [Math.floor(x + dx), Math.floor(y + dy)];
                const inDisc = Math.hypot(tx + 0.5 - R / 2, ty + 0.5 - R / 2) < R / 2;
                const shows = inDisc && tx >= 0 && ty >= 0 && tx < R && ty < R && opaque(tx, ty);
                expect(shows, `mirror ${mirror}: triangle ${tri.join()} at texel ${tx}, ${ty}`).to.equal(false);
              }
          }
      }
      return dropped;
    };
    const { rgba, alpha } = faceAlpha(head);
    const fit = lens.fitFace(model, R, rgba);
    const kept: Set<string>[] = [];
    for (const mirror of [false, true]) {
      const uv = mirror ? fit.mirrored : fit.texCoords;
      kept.push(keys(visibleTriangles(lens.indices, uv, lens.edgeWeight, alpha, R, mirror)));
      // Most of the outer rings lie beyond the head.
      expect(check(uv, mirror, head, kept.at(-1)!), `dropped, mirror ${mirror}`).to.be.above(0.1 * triangles.length);
    }
    // The tuft is on one side only: the two mirrorings keep different triangles.
    const [plain, mirrored] = kept as [Set<string>, Set<string>];
    expect(
      [...plain].filter((k) => !mirrored.has(k)).length + [...mirrored].filter((k) => !plain.has(k)).length,
    ).to.be.above(0);
    // Nothing to draw for a transparent face. An opaque one keeps only what lies inside the texture's disc.
    expect(
      visibleTriangles(lens.indices, fit.texCoords, lens.edgeWeight, new Float32Array(R * R), R, false).length,
    ).to.equal(0);
    const base = lens.textureCoords(model, R);
    const all = faceAlpha(() => true).alpha;
    const opaque = keys(visibleTriangles(lens.indices, base, lens.edgeWeight, all, R, false));
    const dropped = check(base, false, () => true, opaque);
    expect(dropped).to.be.above(0);
    expect(opaque.size).to.be.above(triangles.length / 2);
  });

  for (const p of [{ yaw: 25 }, { pitch: -20 }, { roll: 30 }, { yaw: -30, pitch: 10, roll: -15 }]) {
    it(`recovers the pose ${JSON.stringify(p)} within 1 degree, and the rings turn with the head`, () => {
      const fitter = new CameraFitter(canonical.positions);
      const landmarks = pose(canonical.positions, p);
      const camera = fitter.fit(landmarks);
      const got = poseFromCamera(camera);
      expect(got.yaw).to.be.closeTo(p.yaw ?? 0, 1);
      expect(got.pitch).to.be.closeTo(p.pitch ?? 0, 1);
      expect(got.roll).to.be.closeTo(p.roll ?? 0, 1);
      // The rings are placed as the same rigid head would show them.
      const lens = new LensMesh(canonical);
      const placed = new Float32Array(3 * lens.vertexCount);
      lens.place(landmarks, camera, placed);
      const truth = pose(lens.positions, p);
      let worst = 0;
      for (let i = 0; i < placed.length; i++) worst = Math.max(worst, Math.abs(placed[i]! - truth[i]!));
      expect(worst).to.be.below(0.01);
    });
  }

  it('reads a closed mouth and open eyes on the neutral mesh, and follows a mouth opening and a blink', () => {
    const neutral = pose(canonical.positions, { yaw: 10 });
    const n = measureExpression(neutral);
    expect(n.mouthOpen).to.be.below(0.15);
    expect(n.eyesOpen[0]).to.be.above(0.8);
    expect(n.eyesOpen[1]).to.be.above(0.8);
    // Open the jaw: the lower lip and chin points (below the mouth corners) move down by a third of the mouth width.
    const open = Float32Array.from(neutral);
    const mouthY = neutral[3 * 13 + 1]!,
      width = Math.abs(neutral[3 * 308]! - neutral[3 * 78]!);
    for (let i = 0; i < CANONICAL_VERTICES; i++) if (open[3 * i + 1]! > mouthY + 0.5) open[3 * i + 1]! += width / 3;
    expect(measureExpression(open).mouthOpen).to.be.above(0.4);
    // Shut the user's left eye (the frame's right one): its upper lid onto its lower lid.
    const blink = Float32Array.from(neutral);
    for (const [u, l] of [
      [387, 373],
      [386, 374],
      [385, 380],
    ] as const)
      blink[3 * u + 1] = blink[3 * l + 1]!;
    const b = measureExpression(blink);
    expect(b.eyesOpen[0]).to.be.below(0.05);
    expect(b.eyesOpen[1]).to.be.above(0.8);
  });
});
