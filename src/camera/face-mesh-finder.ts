/**
 * FaceMeshFinder, for mesh tracking: 478 landmarks per face, in video pixels, from the package's own face detector and MediaPipe's
 * FaceLandmarker (tasks-vision). The landmarker's own detector misses small faces (it reads the whole frame at
 * 128 px, where a face 80 px wide in 640 is 16 px), so each face is found by the detector that box tracking uses
 * and cut out of the frame, square, at CROP px; the landmarker reads that crop in IMAGE mode, one face at a time.
 * From one frame to the next a face is followed by its landmarks' box, so the detector runs only while fewer faces
 * are followed than asked for (and then every DETECT_EVERY frames), or every REDETECT_EVERY frames to find a face
 * that came in front of another. `max-faces` is taken per frame: no option of the landmarker depends on it.
 *
 * Each followed face is read by a landmarker of its own in VIDEO mode, which places the face in this crop from its
 * landmarks in the last one and so skips its own face detector (the IMAGE one runs it on every crop, about 6 ms a
 * face here). They are made as faces are followed, up to `max-faces`, and kept; a face keeps the one that read it
 * last. Every crop is cut around its face at the same place and scale, so a crop that moved with its face is
 * tracked as a small move, and a landmarker freed by one face can take another. A face its VIDEO landmarker loses
 * is read again by the IMAGE one in the same frame, and a new face (cut around the detector's box, not where any
 * VIDEO landmarker's last landmarks say) is read by the IMAGE one first.
 */
import { FaceLandmarker } from '@mediapipe/tasks-vision';
import { makeVisionTask, onContextLost, visionCanvas } from './vision-wasm.js';
import { FaceModelError, type Box, type FaceDetection, type FaceFinder, type FaceSource } from './face-finder.js';
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
  /**
   * The face detector that finds the faces (box tracking's), still being made: the landmarker is made beside it,
   * so that after a lost context tracking is back in the time of the slower of the two. The mesh finder closes it
   * with its own close().
   */
  detector: Promise<FaceFinder>;
  /**
   * Faces to read before the detector is made (the ones followed before a lost context): given any, the finder is
   * ready as soon as the landmarker is, and the detector joins it when made.
   */
  follow?: readonly Box[];
  /** false: every face is read by the IMAGE landmarker, its own detector included (the tests' reference). */
  track?: boolean;
  /** For tests: the clock past which a VIDEO landmarker is made again (default TRACKER_CLOCK_LIMIT_MS). */
  trackerClockLimitMs?: number;
}

/** The bundle's geometry file, which holds the canonical mesh. */
export const GEOMETRY_ENTRY = 'geometry_pipeline_metadata_landmarks.binarypb';
const LANDMARKS = 478;
/** Two faces overlapping by more than this are one face found twice: the later one is dropped. */
const DUPLICATE_IOU = 0.3;
/** The crop the landmarker reads, in pixels: above its landmark model's 192 px input. */
export const CROP = 256;
/**
 * The crop's side against the face's box: the detector's box spans brows to chin, the landmarks' box the whole
 * oval. Both leave the landmarker's own detector a face of about half the crop, as it likes best.
 */
const CROP_SCALE = { detector: 2.2, landmarks: 1.7 } as const;
/**
 * The time between two reads of a VIDEO landmarker, as it is told. A landmarker made with `numFaces` 1 smooths its
 * landmarks (a One Euro filter, min cutoff 0.05 Hz) in the crop's coordinates, where a crop that moves to catch up
 * with its face is a jump the face never made, and it lagged a moving face (test/camera-lag.test.ts). Reads this far
 * apart leave the filter nothing to smooth (its weight on the new value is 99.5 %); the pipeline smooths the faces
 * itself, in video pixels.
 */
const UNSMOOTHED_STEP_MS = 600_000;
/**
 * A VIDEO landmarker is made again once its clock passes this: MediaPipe's filter holds its time in 64-bit
 * nanoseconds, which overflow at about 9.2e12 ms, and a clock that stops rising fails every read after. At one read
 * a frame and 30 frames a second that is about 6 days; the new one's clock starts at 0.
 */
export const TRACKER_CLOCK_LIMIT_MS = 9e12;
/** While fewer faces are followed than asked for, the detector looks for more every this many frames. */
const DETECT_EVERY = 3;
/** With every face asked for followed, the detector still looks every this many frames. */
const REDETECT_EVERY = 30;

const mean = (p: Float32Array, ids: readonly number[]): Point => [
  ids.reduce((s, i) => s + p[3 * i]!, 0) / ids.length,
  ids.reduce((s, i) => s + p[3 * i + 1]!, 0) / ids.length,
];

/** The square of the frame the landmarker reads for a face, in video pixels. */
interface Crop {
  x: number;
  y: number;
  side: number;
}

/**
 * A followed face's crop stays put while the face's box moves less than this fraction of the crop (its centre)
 * or changes size by less than this fraction: the landmarker then reads the same pixels of a still face, frame
 * after frame, instead of chasing its own small errors (which made the lens wander on a still photo).
 */
const HOLD = 0.03;

/** The square crop `scale` times the box's larger side, centred on it. */
function cropAround(box: Box, scale: number): Crop {
  const side = scale * Math.max(box.width, box.height);
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, side };
}

/** `next`, or `last` where they differ by less than HOLD. */
function held(last: Crop, next: Crop): Crop {
  const moved = Math.hypot(
    next.x + next.side / 2 - (last.x + last.side / 2),
    next.y + next.side / 2 - (last.y + last.side / 2),
  );
  return moved < HOLD * last.side && Math.abs(next.side / last.side - 1) < HOLD ? last : next;
}

/** A face to read in this frame: where it is, the crop around it, and which VIDEO landmarker reads it (-1: none). */
interface Region {
  box: Box;
  crop: Crop;
  tracker: number;
}

export class FaceMeshFinder implements FaceSource {
  /** The faces found in the last frame, their landmarks' boxes and crops: where to look in the next. */
  private followed: Region[] = [];
  private frames = 0;
  /** The faces read so far by each landmarker (a VIDEO miss read again counts once for each). */
  readonly reads = { image: 0, video: 0 };
  /** VIDEO landmarkers made again because their clock ran out (TRACKER_CLOCK_LIMIT_MS). */
  renewals = 0;
  private landmarkerLost = false;
  private readonly crop: HTMLCanvasElement | OffscreenCanvas;
  private readonly ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

  /**
   * The same model in VIDEO mode, one for each followed face (see the file's comment), made as needed; an empty
   * slot while one is made again (TRACKER_CLOCK_LIMIT_MS).
   */
  private readonly trackers: (FaceLandmarker | undefined)[] = [];
  /** Each VIDEO landmarker's clock: UNSMOOTHED_STEP_MS a read (see there), not the frame's time. */
  private readonly trackerClocks: number[] = [];
  private makingTracker = false;
  /** The detector, null until it is made (see `follow`), and why it could not be made. */
  private detector: FaceFinder | null = null;
  private detectorError: unknown = null;
  private closed = false;

  private constructor(
    private readonly landmarker: FaceLandmarker,
    readonly canonical: CanonicalMesh,
    /** Makes a VIDEO landmarker on a canvas of its own (null: faces are read in IMAGE mode only). */
    private readonly makeTracker: (() => Promise<FaceLandmarker>) | null,
    private readonly clockLimitMs: number,
  ) {
    this.crop = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(CROP, CROP) : cropCanvas();
    const ctx = this.crop.getContext('2d', { alpha: false }) as
      CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new FaceModelError('landmark-model: expected a 2D canvas to cut faces out of the frame, got none');
    this.ctx = ctx;
  }

  /**
   * Rejects with FaceModelError saying which part of the bundle or wasm failed (the detector then stays open: its
   * owner's, for box tracking), or with the detector's own error. Once made, the finder closes the detector.
   */
  static async create(o: FaceMeshFinderOptions): Promise<FaceMeshFinder> {
    let canonical: CanonicalMesh;
    try {
      canonical = parseCanonicalMesh(readBundleEntry(o.bundle, GEOMETRY_ENTRY));
    } catch (e) {
      throw new FaceModelError(
        `landmark-model: expected a FaceLandmarker .task with ${GEOMETRY_ENTRY} (${o.bundleUrl}): ${(e as Error).message}`,
      );
    }
    // One canvas each: a task's context is its own.
    let finder: FaceMeshFinder | null = null;
    const make = async (canvas: HTMLCanvasElement | OffscreenCanvas, runningMode: 'IMAGE' | 'VIDEO') => {
      onContextLost(canvas, () => finder && (finder.landmarkerLost = true));
      return makeVisionTask(o.wasmBase, (fileset) =>
        FaceLandmarker.createFromOptions(fileset, {
          canvas,
          baseOptions: { modelAssetBuffer: o.bundle, delegate: o.delegate },
          runningMode,
          numFaces: 1,
          minFaceDetectionConfidence: o.minScore,
          outputFaceBlendshapes: false,
          outputFacialTransformationMatrixes: false,
        }),
      );
    };
    // CameraError, not a model error, where there is no WebGL.
    const canvas = visionCanvas();
    // The first faces need the IMAGE landmarker and, unless faces to follow are given, the detector; the VIDEO
    // landmarkers are made after them.
    const follow = o.follow ?? [];
    // Settled at once, so that a detector failing while the landmarker is made is never an unhandled rejection.
    const detecting = o.detector.then(
      (d) => ({ d, e: null }),
      (e: unknown) => ({ d: null, e: e ?? new Error('face detector: failed') }),
    );
    const [early, image] = await Promise.allSettled([follow.length > 0 ? null : detecting, make(canvas, 'IMAGE')]);
    const detector = early.status === 'fulfilled' ? early.value : null;
    if (detector?.e) {
      if (image.status === 'fulfilled') image.value.close();
      throw detector.e;
    }
    if (image.status === 'rejected') {
      const why = image.reason instanceof Error ? image.reason.message : String(image.reason);
      throw new FaceModelError(
        `landmark-model: expected a MediaPipe FaceLandmarker .task (${o.bundleUrl}) and the tasks-vision wasm in ${o.wasmBase}; loading failed: ${why}`,
      );
    }
    // Until a face's VIDEO landmarker arrives it is read in IMAGE mode. They only save time, so where one cannot be
    // made (the IMAGE one, from the same bundle, was) faces go on being read in IMAGE mode.
    const makeTracker = (o.track ?? true) ? async () => make(visionCanvas(), 'VIDEO') : null;
    let made: FaceMeshFinder;
    try {
      made = finder = new FaceMeshFinder(
        image.value,
        canonical,
        makeTracker,
        o.trackerClockLimitMs ?? TRACKER_CLOCK_LIMIT_MS,
      );
    } catch (e) {
      image.value.close();
      throw e;
    }
    made.followed = follow.map((box) => ({ box, crop: cropAround(box, CROP_SCALE.landmarks), tracker: -1 }));
    if (detector) made.detector = detector.d;
    else
      void detecting.then(({ d, e }) => {
        if (e) made.detectorError = e;
        else if (made.closed) d?.close();
        else made.detector = d;
      });
    return made;
  }

  /** Throws the detector's error if it could not be made after the finder was (see `follow`). */
  detect(frame: HTMLVideoElement, tMs: number, maxFaces: number): FaceDetection[] {
    if (this.detectorError) throw this.detectorError;
    const w = frame.videoWidth,
      h = frame.videoHeight;
    const regions: Region[] = this.followed
      .slice(0, maxFaces)
      .map(({ box, crop, tracker }) => ({ box, crop: held(crop, cropAround(box, CROP_SCALE.landmarks)), tracker }));
    this.assignTrackers(regions, maxFaces);
    const short = regions.length < maxFaces;
    if (this.detector && ((short && this.frames % DETECT_EVERY === 0) || this.frames % REDETECT_EVERY === 0)) {
      for (const d of this.detector.detect(frame, tMs, maxFaces)) {
        if (regions.length >= maxFaces) break;
        // A face already followed keeps its landmarks' region (tighter, and turned with the face).
        if (regions.some((r) => iou(r.box, d.box) > DUPLICATE_IOU || contains(r.box, d.box))) continue;
        regions.push({ box: d.box, crop: cropAround(d.box, CROP_SCALE.detector), tracker: -1 });
      }
    }
    this.frames++;
    const out: FaceDetection[] = [];
    this.followed = [];
    for (const r of regions) {
      const face = this.landmarks(frame, r.crop, w, h, r.tracker);
      if (!face || out.some((g) => iou(face.detection.box, g.box) > DUPLICATE_IOU)) continue;
      out.push(face.detection);
      this.followed.push({ box: face.detection.box, crop: r.crop, tracker: face.tracker });
    }
    return out.slice(0, maxFaces);
  }

  /**
   * Gives each followed face without a VIDEO landmarker a free one, and asks for another while faces are left
   * without one (one at a time, up to `maxFaces`).
   */
  private assignTrackers(regions: Region[], maxFaces: number): void {
    const taken = new Set(regions.map((r) => r.tracker));
    let free = 0;
    for (const r of regions) {
      if (r.tracker >= 0) continue;
      while (free < this.trackers.length && taken.has(free)) free++;
      if (free < this.trackers.length) taken.add((r.tracker = free));
    }
    const make = this.makeTracker;
    if (!make || this.makingTracker || this.trackers.length >= maxFaces || regions.every((r) => r.tracker >= 0)) return;
    this.makingTracker = true;
    make().then(
      (task) => {
        this.makingTracker = false;
        if (this.closed) task.close();
        else {
          this.trackers.push(task);
          this.trackerClocks.push(0);
        }
      },
      () => undefined, // makingTracker stays set: no more are asked for
    );
  }

  /**
   * The landmarks of the face in a crop, back in video pixels: read by VIDEO landmarker `tracker` where there is
   * one (and by the IMAGE one where that finds none), else by the IMAGE one. `tracker`: the VIDEO landmarker that
   * found them, -1 for the IMAGE one.
   */
  private landmarks(
    frame: HTMLVideoElement,
    crop: Crop,
    w: number,
    h: number,
    tracker: number,
  ): { detection: FaceDetection; tracker: number } | null {
    const { x: x0, y: y0, side } = crop;
    const k = CROP / side;
    const ctx = this.ctx;
    // Only the part of the region inside the frame (drawImage wants a source rectangle within it).
    const sx = Math.max(0, x0),
      sy = Math.max(0, y0),
      sw = Math.min(w, x0 + side) - sx,
      sh = Math.min(h, y0 + side) - sy;
    if (sw < 1 || sh < 1) return null;
    // Black where the region leaves the frame; a region inside it covers the whole crop.
    if (sx > x0 || sy > y0 || sx + sw < x0 + side || sy + sh < y0 + side) {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, CROP, CROP);
    }
    ctx.drawImage(frame, sx, sy, sw, sh, (sx - x0) * k, (sy - y0) * k, sw * k, sh * k);
    const complete = (f: { x: number; y: number; z: number }[] | undefined) => (f && f.length >= LANDMARKS ? f : null);
    let face: ReturnType<typeof complete> = null;
    const video = this.trackers[tracker];
    if (video) {
      this.reads.video++;
      const clock = (this.trackerClocks[tracker]! += UNSMOOTHED_STEP_MS);
      face = complete(video.detectForVideo(this.crop, clock).faceLandmarks[0]);
      if (clock > this.clockLimitMs) this.renewTracker(tracker);
    }
    const byVideo = face !== null;
    if (!face) {
      this.reads.image++;
      face = complete(this.landmarker.detect(this.crop).faceLandmarks[0]);
    }
    if (!face) return null;
    const p = new Float32Array(3 * LANDMARKS);
    let bx0 = Infinity,
      by0 = Infinity,
      bx1 = -Infinity,
      by1 = -Infinity;
    for (let i = 0; i < LANDMARKS; i++) {
      const l = face[i]!;
      const x = x0 + l.x * side,
        y = y0 + l.y * side;
      p[3 * i] = x;
      p[3 * i + 1] = y;
      p[3 * i + 2] = l.z * side; // tasks-vision scales z like x, here the crop's width
      bx0 = Math.min(bx0, x);
      by0 = Math.min(by0, y);
      bx1 = Math.max(bx1, x);
      by1 = Math.max(by1, y);
    }
    const detection = {
      box: { x: bx0, y: by0, width: bx1 - bx0, height: by1 - by0 },
      // The landmarker reports no score: faces under its presence threshold are simply not returned.
      score: 1,
      leftEye: mean(p, FEATURE_POINTS.leftEye),
      rightEye: mean(p, FEATURE_POINTS.rightEye),
      mouth: mean(p, FEATURE_POINTS.mouth),
      landmarks: p,
    };
    return { detection, tracker: byVideo ? tracker : -1 };
  }

  /**
   * Closes VIDEO landmarker `i` and makes a new one in its slot, whose clock starts again; until it is made its
   * faces are read in IMAGE mode. Where it cannot be made the slot stays empty.
   */
  private renewTracker(i: number): void {
    const make = this.makeTracker;
    this.trackers[i]?.close();
    this.trackers[i] = undefined;
    this.trackerClocks[i] = 0;
    this.renewals++;
    if (!make) return;
    make().then(
      (task) => {
        if (this.closed) task.close();
        else this.trackers[i] = task;
      },
      () => undefined,
    );
  }

  /** The faces followed from the last frame: the `follow` of a finder made to replace this one. */
  get following(): Box[] {
    return this.followed.map((r) => r.box);
  }

  get lost(): boolean {
    return this.landmarkerLost || (this.detector?.lost ?? false);
  }

  close(): void {
    this.closed = true;
    this.landmarker.close();
    for (const t of this.trackers) t?.close();
    this.detector?.close();
  }
}

/** Whether box a holds b's centre (a detector box inside a followed face's larger landmarks box). */
function contains(a: Box, b: Box): boolean {
  const cx = b.x + b.width / 2,
    cy = b.y + b.height / 2;
  return cx > a.x && cx < a.x + a.width && cy > a.y && cy < a.y + a.height;
}

/** A page canvas of CROP px where OffscreenCanvas is missing. */
function cropCanvas(): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = CROP;
  c.height = CROP;
  return c;
}
