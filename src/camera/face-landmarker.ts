/**
 * MediaPipe's FaceLandmarker (tasks-vision) in VIDEO mode: 478 landmarks per face, in video pixels. In VIDEO
 * mode the landmarker tracks each face from its previous landmarks and runs its detector only when it has fewer
 * faces than it was asked for, so `numFaces` follows `max-faces` (a larger value would detect every frame).
 */
import { FaceLandmarker } from '@mediapipe/tasks-vision';
import { visionCanvas, visionFileset } from './vision-wasm.js';
import { FaceModelError, RisingClock, type FaceDetection, type FaceSource } from './face-detector.js';
import { readBundleEntry } from './task-bundle.js';
import { FEATURE_POINTS, parseCanonicalMesh, type CanonicalMesh } from './canonical-mesh.js';
import { iou } from './face-tracker.js';
import type { Point } from './similarity.js';

export interface FaceMeshFinderOptions {
  /** The `.task` bundle's bytes (fetched once: the landmarker and the lens's canonical mesh both come from it). */
  bundle: Uint8Array;
  bundleUrl: string;
  wasmBase: string;
  delegate: 'CPU' | 'GPU';
  minScore: number;
  maxFaces: number;
}

/** The bundle's geometry file, which holds the canonical mesh. */
export const GEOMETRY_ENTRY = 'geometry_pipeline_metadata_landmarks.binarypb';
const LANDMARKS = 478;
/**
 * The landmarker's own detector merges overlapping boxes only above an IoU of 0.5 (FaceDetector: 0.3), so one
 * face can come back twice; faces overlapping an earlier one by more than this are dropped.
 */
const DUPLICATE_IOU = 0.3;

const mean = (p: Float32Array, ids: readonly number[]): Point => [
  ids.reduce((s, i) => s + p[3 * i]!, 0) / ids.length,
  ids.reduce((s, i) => s + p[3 * i + 1]!, 0) / ids.length,
];

export class FaceMeshFinder implements FaceSource {
  private readonly clock = new RisingClock();
  private numFaces: number;
  private resizing: Promise<void> | null = null;

  private constructor(
    private readonly landmarker: FaceLandmarker,
    readonly canonical: CanonicalMesh,
    numFaces: number,
  ) {
    this.numFaces = numFaces;
  }

  /** Rejects with FaceModelError saying which part of the bundle or wasm failed. */
  static async create(o: FaceMeshFinderOptions): Promise<FaceMeshFinder> {
    let canonical: CanonicalMesh;
    try {
      canonical = parseCanonicalMesh(readBundleEntry(o.bundle, GEOMETRY_ENTRY));
    } catch (e) {
      throw new FaceModelError(
        `landmark-model: expected a FaceLandmarker .task with ${GEOMETRY_ENTRY} (${o.bundleUrl}): ${(e as Error).message}`,
      );
    }
    const canvas = visionCanvas(); // CameraError, not a model error, where there is no WebGL
    let landmarker: FaceLandmarker;
    try {
      const fileset = await visionFileset(o.wasmBase);
      landmarker = await FaceLandmarker.createFromOptions(fileset, {
        canvas,
        baseOptions: { modelAssetBuffer: o.bundle, delegate: o.delegate },
        runningMode: 'VIDEO',
        numFaces: o.maxFaces,
        minFaceDetectionConfidence: o.minScore,
        outputFaceBlendshapes: false,
        outputFacialTransformationMatrixes: false,
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new FaceModelError(
        `landmark-model: expected a MediaPipe FaceLandmarker .task (${o.bundleUrl}) and the tasks-vision wasm in ${o.wasmBase}; loading failed: ${why}`,
      );
    }
    return new FaceMeshFinder(landmarker, canonical, o.maxFaces);
  }

  detect(frame: HTMLVideoElement, tMs: number, maxFaces: number): FaceDetection[] {
    if (maxFaces !== this.numFaces && !this.resizing) {
      const n = maxFaces;
      this.resizing = this.landmarker
        .setOptions({ numFaces: n })
        .then(() => {
          this.numFaces = n;
        })
        .finally(() => {
          this.resizing = null;
        });
    }
    if (this.resizing) return [];
    const ts = this.clock.next(tMs);
    const w = frame.videoWidth,
      h = frame.videoHeight;
    const out: FaceDetection[] = [];
    for (const face of this.landmarker.detectForVideo(frame, ts).faceLandmarks) {
      if (face.length < LANDMARKS) continue;
      const p = new Float32Array(3 * LANDMARKS);
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (let i = 0; i < LANDMARKS; i++) {
        const l = face[i]!;
        const x = l.x * w,
          y = l.y * h;
        p[3 * i] = x;
        p[3 * i + 1] = y;
        p[3 * i + 2] = l.z * w; // tasks-vision scales z like x
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
      out.push({
        box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
        // The landmarker reports no score: faces under its presence threshold are simply not returned.
        score: 1,
        leftEye: mean(p, FEATURE_POINTS.leftEye),
        rightEye: mean(p, FEATURE_POINTS.rightEye),
        mouth: mean(p, FEATURE_POINTS.mouth),
        landmarks: p,
      });
    }
    const kept = out.filter((f, i) => out.slice(0, i).every((g) => iou(f.box, g.box) <= DUPLICATE_IOU));
    return kept.slice(0, maxFaces);
  }

  close(): void {
    this.landmarker.close();
  }
}
