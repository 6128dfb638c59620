/**
 * FaceFinder: MediaPipe's FaceDetector (tasks-vision) in VIDEO mode, behind a small interface (FaceSource, which
 * the mesh finder implements too): boxes and keypoints in video pixels. The model and the wasm come from URLs the caller gives (by default the package's own files).
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import { makeVisionTask, onContextLost, visionCanvas } from './vision-wasm.js';
import type { Point } from './similarity.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceDetection {
  box: Box;
  score: number;
  /** Image-left eye, image-right eye, mouth centre: in video pixels, as the frame arrives (not mirrored). */
  leftEye: Point;
  rightEye: Point;
  mouth: Point;
  /** Mesh tracking: the 478 landmarks, x y z each, in video pixels (z: depth, larger is farther, on x's scale). */
  landmarks?: Float32Array;
}

/** Where a frame's faces come from: the detector (box tracking) or the landmarker (mesh tracking). */
export interface FaceSource {
  /** Faces in this frame, best first. Timestamps must rise: equal or earlier ones are nudged forward. */
  detect(frame: HTMLVideoElement, tMs: number, maxFaces: number): FaceDetection[];
  /** A WebGL context it works on was lost: it finds nothing more, and must be closed and made again. */
  readonly lost: boolean;
  close(): void;
}

export interface FaceFinderOptions {
  modelUrl: string;
  /** Folder with tasks-vision's vision_wasm_internal.{js,wasm}. */
  wasmBase: string;
  delegate: 'CPU' | 'GPU';
  minScore: number;
}

/** Thrown when the detector's model or wasm cannot be loaded; the message says which and why. */
export class FaceModelError extends Error {
  override name = 'FaceModelError';
}

// The short-range BlazeFace keypoints, in order.
const KP = { rightEye: 0, leftEye: 1, noseTip: 2, mouth: 3 } as const;

/** A model file's bytes; FaceModelError names the attribute and the URL when it cannot be had. */
export async function fetchModelBytes(url: string, attribute: string): Promise<Uint8Array> {
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  } catch (e) {
    throw new FaceModelError(`${attribute}: could not fetch ${url}: ${(e as Error).message}`);
  }
}

/** tasks-vision wants strictly rising timestamps in VIDEO mode: equal or earlier ones are nudged forward. */
export class RisingClock {
  private last = 0;
  next(tMs: number): number {
    this.last = Math.max(tMs, this.last + 0.001);
    return this.last;
  }
}

export class FaceFinder implements FaceSource {
  private readonly clock = new RisingClock();
  lost = false;

  private constructor(private readonly detector: FaceDetector) {}

  static async create(o: FaceFinderOptions): Promise<FaceFinder> {
    const model = await fetchModelBytes(o.modelUrl, 'face-model');
    const canvas = visionCanvas(); // CameraError, not a model error, where there is no WebGL
    let detector: FaceDetector;
    try {
      detector = await makeVisionTask(o.wasmBase, (fileset) =>
        FaceDetector.createFromOptions(fileset, {
          canvas,
          baseOptions: { modelAssetBuffer: model, delegate: o.delegate },
          runningMode: 'VIDEO',
          minDetectionConfidence: o.minScore,
        }),
      );
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new FaceModelError(
        `face-model: expected a TFLite face detector with metadata (${o.modelUrl}) and the tasks-vision wasm in ${o.wasmBase}; loading failed: ${why}`,
      );
    }
    const finder = new FaceFinder(detector);
    onContextLost(canvas, () => (finder.lost = true));
    return finder;
  }

  detect(frame: HTMLVideoElement, tMs: number, maxFaces: number): FaceDetection[] {
    const ts = this.clock.next(tMs);
    const w = frame.videoWidth,
      h = frame.videoHeight;
    const out: FaceDetection[] = [];
    for (const d of this.detector.detectForVideo(frame, ts).detections) {
      const b = d.boundingBox;
      const k = d.keypoints;
      if (!b || k.length < 4) continue;
      const px = (i: number): Point => [k[i]!.x * w, k[i]!.y * h];
      // In an unmirrored frame the subject's right eye is on the image's left.
      out.push({
        box: { x: b.originX, y: b.originY, width: b.width, height: b.height },
        score: d.categories[0]?.score ?? 0,
        leftEye: px(KP.rightEye),
        rightEye: px(KP.leftEye),
        mouth: px(KP.mouth),
      });
    }
    out.sort((a, b) => b.score - a.score);
    return out.slice(0, maxFaces);
  }

  close(): void {
    this.detector.close();
  }
}
