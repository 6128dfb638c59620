/**
 * Camera mode, independent of the element: front camera -> MediaPipe face landmarks (mesh tracking) or face
 * detection (box tracking) -> tracking and smoothing -> a generated face on each tracked face, blended on the
 * GPU with WebGL2 (or, where the view's canvas gives no WebGL2, with a 2D canvas: compositor-2d.ts): textured on
 * the face's mesh (a face lens), or placed flat by its eyes and mouth. The caller supplies the generated faces
 * (`faceFor(slot)`, once per latent) and gets a track report per processed frame.
 *
 * Every acquire has its release in `stop()`: the camera tracks, the MediaPipe task, the frame callback, the
 * visibility listener and the compositor's resources. While the page is hidden the camera and the task are
 * released too, and reopened on return.
 */
import { CameraError, openFrontCamera, stopStream, type CameraRequest } from './camera-stream.js';
import type { CompositorKind, FaceCompositor, FaceDraw, MeshDraw } from './face-compositor.js';
import { CompositorWebGL2, WebGL2Unavailable, type ContextEvents } from './compositor-webgl2.js';
import { Compositor2D } from './compositor-2d.js';
import {
  FaceFinder,
  FaceModelError,
  fetchModelBytes,
  type Box,
  type FaceDetection,
  type FaceSource,
} from './face-finder.js';
import { FaceMeshFinder } from './face-mesh-finder.js';
import { releaseVisionWasm } from './vision-wasm.js';
import { FaceTracker, type TrackedFace, type TrackerOptions } from './face-tracker.js';
import { CameraFitter, poseFromCamera, type HeadPose } from './head-pose.js';
import { measureExpression } from './face-expression.js';
import { LensMesh } from './lens-mesh.js';
import type { Likeness } from './likeness.js';
import { LikenessProbe } from './likeness-probe.js';
import { CanvasRecorder, RecordingError } from './recorder.js';
import { fitSimilarity, type Point } from './similarity.js';

export { CameraError, FaceModelError, RecordingError };
export type { CompositorKind, HeadPose };

/** `mesh`: the face lens on MediaPipe's face mesh. `box`: the lighter detector-only path, a flat face. */
export type Tracking = 'mesh' | 'box';

export interface CameraFace {
  id: number;
  /** In video pixels of the frame as captured (not mirrored). */
  box: Box;
  score: number;
  /** Its generated face is drawn over it in this frame (false until the face is generated). */
  overlaid: boolean;
  /** Mesh tracking: the head's yaw, pitch and roll in degrees (conventions in head-pose.ts); null with box tracking. */
  pose: HeadPose | null;
  /** Mesh tracking: 0 closed .. 1 wide open; null with box tracking. */
  mouthOpen: number | null;
  /** Mesh tracking: [the user's left eye, right eye], 0 shut .. 1 open; null with box tracking. */
  eyesOpen: [number, number] | null;
  /** Mesh tracking: the 478 smoothed landmarks (MediaPipe's topology), x y z each in video pixels; null with box tracking. */
  landmarks: Float32Array | null;
}

export type CameraPipelineErrorType = 'camera-denied' | 'camera-unavailable' | 'face-model-load';
/**
 * Something the pipeline worked around while the camera runs on: `face-model-load` (mesh tracking fell back to
 * box tracking), or one of the element's warnings (BlazeFaceElement's JSDoc says what each means).
 */
export type CameraPipelineWarningType =
  'face-model-load' | 'webgl-context-lost' | 'webgl-context-restored' | 'tracking-context-lost' | 'tracking-restored';

export interface CameraTrackDetail {
  faces: CameraFace[];
  /** The tracking in use: `box` also after a landmark model failed to load. */
  tracking: Tracking;
  /**
   * What draws the view: `webgl2`, or `2d` where its canvas gets no WebGL2 context (slower, and the lens takes no
   * lighting from the frame).
   */
  compositor: CompositorKind;
  /** Detection + tracking + compositing of this frame, on the main thread. */
  frameMs: number;
  /** Face tracking's share of frameMs: 0 in a predicted frame. */
  detectMs: number;
  /**
   * Face tracking did not read this frame: the faces are the last read's, moved on at their speed. A frame is
   * predicted only after one that finished more than a camera frame after it was shown, so that the view keeps the
   * camera's rate where reading every frame cannot (CameraPipelineOptions.frameBudgetMs).
   */
  predicted: boolean;
  compositeMs: number;
  /** Processed frames per second (smoothed). */
  fps: number;
}

/** A tracked face's likeness, measured once (likeness.ts): colours and shape the user can see and change. */
export interface CameraLikenessDetail extends Likeness {
  /** The tracked face's id (as in CameraFace). */
  id: number;
}

export interface CameraSettings {
  maxFaces: number;
  /** Mesh tracking: measure each face once and generate its face with that skin tone, hair colour and width. */
  likeness: boolean;
  mirror: boolean;
  opacity: number;
  feather: number;
  /** 0..1: how much of the real face's shading the lens takes. */
  lighting: number;
}

/** The pipeline's calls to its owner: faces to draw, and what happened. */
type PipelineCalls = Pick<CameraPipelineOptions, 'faceFor' | 'onLikeness' | 'onTrack' | 'onError' | 'onWarning'>;

/** The generated faces' size and the model's canonical eye and mouth positions, in its pixels. */
interface FaceModel {
  resolution: number;
  canonical: CameraPipelineOptions['canonical'];
}

export interface CameraPipelineOptions {
  canvas: HTMLCanvasElement;
  tracking: Tracking;
  faceModelUrl: string;
  /** Mesh tracking: the FaceLandmarker `.task` bundle. */
  landmarkModelUrl: string;
  wasmBase: string;
  delegate: 'CPU' | 'GPU';
  minScore: number;
  capture: CameraRequest;
  tracker: TrackerOptions;
  /**
   * A frame finished more than this (ms) after the browser showed it is followed by a predicted one
   * (CameraTrackDetail.predicted), never two in a row, where the browser calls back per video frame. Default: the
   * camera's frame interval, as measured. 0 predicts every other frame (tests); Infinity never.
   */
  frameBudgetMs?: number;
  /** The generated faces' size and the model's canonical eye and mouth positions, in its pixels. */
  faceResolution: number;
  canonical: { leftEye: Point; rightEye: Point; mouth: Point };
  /**
   * Premultiplied RGBA bytes (R x R x 4) of the face for a slot: slot 0 the element's own, slot k seed + k; with
   * `likeness`, wearing that person's measured skin tone, hair colour and width where the style has those controls.
   */
  faceFor(slot: number, likeness: Likeness | null): Promise<Uint8Array>;
  /** With `likeness`: a face was measured (once per tracked face). */
  onLikeness(detail: CameraLikenessDetail): void;
  onTrack(detail: CameraTrackDetail): void;
  onError(type: CameraPipelineErrorType, message: string): void;
  /** A problem the pipeline worked around (see CameraPipelineWarningType): the camera runs on. */
  onWarning(type: CameraPipelineWarningType, message: string): void;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/**
 * A predicted frame carries a face on by at most this many camera frames past the last read: on a busy device reads
 * come two or three frames apart; beyond that a face's speed says little.
 */
const PREDICT_FRAMES = 4;

export function errorType(e: unknown): CameraPipelineErrorType | null {
  if (e instanceof CameraError) return e.type;
  if (e instanceof FaceModelError) return 'face-model-load';
  return null;
}

/** WebGL2 where the browser gives it; the 2D canvas only where it does not (any other failure is an error). */
function createCompositor(canvas: HTMLCanvasElement, events: ContextEvents): FaceCompositor {
  try {
    return new CompositorWebGL2(canvas, events);
  } catch (e) {
    if (e instanceof WebGL2Unavailable) return new Compositor2D(canvas);
    throw e;
  }
}

export class CameraPipeline {
  private readonly canvas: HTMLCanvasElement;
  /** The tracking asked for; `tracking` is the one running. */
  private readonly askedTracking: Tracking;
  private readonly finderOptions: Pick<
    CameraPipelineOptions,
    'faceModelUrl' | 'landmarkModelUrl' | 'wasmBase' | 'delegate' | 'minScore'
  >;
  private readonly cameraRequest: CameraRequest;
  private readonly calls: PipelineCalls;
  /** The model whose faces are drawn; another one arrives by setFaceModel(). */
  private faceModel: FaceModel;
  private settings: CameraSettings;
  private readonly compositor: FaceCompositor;
  private readonly tracker: FaceTracker;
  private stream: MediaStream | null = null;
  private video: HTMLVideoElement | null = null;
  private finder: FaceSource | null = null;
  /** The tracking actually running (box after a mesh fallback). */
  private tracking: Tracking;
  private lens: { mesh: LensMesh; fitter: CameraFitter } | null = null;
  private bundle: Uint8Array | null = null;
  private readonly meshPositions = new Map<number, Float32Array>();
  private readonly recorder: CanvasRecorder;
  private frameHandle: { cancel(): void } | null = null;
  private stopped = false;
  private opening: Promise<void> | null = null;
  /** Face tracking being made again after a lost context (renewFinder). */
  private renewing: Promise<void> | null = null;
  /** Which latent generation each slot's texture shows; bumped by invalidateFaces(). */
  private facesVersion = 0;
  private readonly slotVersion = new Map<number, number>();
  /** Which measured track's likeness each slot's texture wears (-1: none). */
  private readonly slotLikeness = new Map<number, number>();
  private readonly likeness = new LikenessProbe();
  private readonly pending = new Set<number>();
  private lastTracks: TrackedFace[] = [];
  private lastFrameAt = 0;
  private fps = 0;
  private readonly frameBudgetMs: number | undefined;
  /** The camera's frame interval, from its settings (30 fps where it gives none); measured, in frameInterval(). */
  private cameraFrameMs = 1000 / 30;
  /** The last video frame's presentation time and count (requestVideoFrameCallback's), to measure the interval. */
  private lastShown: { at: number; count: number } | null = null;
  /** The time the tracker was last given (frameAt in frame()). */
  private lastTrackerTime = 0;
  /** The last frame was over budget (a read) or predicted: the next one reads or predicts accordingly. */
  private overBudget = false;
  private readonly onVisibility = () => this.visibilityChanged();

  constructor(o: CameraPipelineOptions, settings: CameraSettings) {
    this.canvas = o.canvas;
    this.askedTracking = o.tracking;
    const { faceModelUrl, landmarkModelUrl, wasmBase, delegate, minScore } = o;
    this.finderOptions = { faceModelUrl, landmarkModelUrl, wasmBase, delegate, minScore };
    this.cameraRequest = o.capture;
    this.calls = o;
    this.faceModel = { resolution: o.faceResolution, canonical: o.canonical };
    this.settings = { ...settings };
    this.compositor = createCompositor(o.canvas, {
      lost: () =>
        this.calls.onWarning(
          'webgl-context-lost',
          "camera: the view's WebGL context was lost; tracking goes on, and the view returns when the browser restores the context",
        ),
      restored: () =>
        this.calls.onWarning(
          'webgl-context-restored',
          "camera: the view's WebGL context was restored; the lens is back",
        ),
      failed: (message) =>
        this.calls.onError(
          'camera-unavailable',
          `camera: the view's WebGL context was restored but could not be rebuilt: ${message}`,
        ),
    });
    this.tracker = new FaceTracker(o.tracker);
    this.frameBudgetMs = o.frameBudgetMs;
    this.tracking = o.tracking;
    this.recorder = new CanvasRecorder(o.canvas);
  }

  /** Opens the camera and the detector. Rejects with CameraError or FaceModelError, having released both. */
  async start(): Promise<void> {
    document.addEventListener('visibilitychange', this.onVisibility);
    if (document.visibilityState === 'visible') await this.open();
  }

  /** Which compositor draws the view (see CameraTrackDetail.compositor). */
  get compositorKind(): CompositorKind {
    return this.compositor.kind;
  }

  get running(): boolean {
    return this.frameHandle !== null;
  }

  update(settings: CameraSettings): void {
    if (!settings.likeness) this.likeness.clear(); // the faces go back to their seeds' own (requestFaces)
    this.settings = { ...settings };
    for (const slot of this.slotVersion.keys()) {
      if (slot >= settings.maxFaces) {
        this.compositor.dropFace(slot);
        this.slotVersion.delete(slot);
      }
    }
  }

  /** The latent or the model changed: faces are regenerated (the old ones stay until the new ones arrive). */
  invalidateFaces(): void {
    this.facesVersion++;
  }

  /**
   * Another model (a `face-style` switch): its faces are placed by its own canonical points, and the camera stays
   * open. Faces of another size cannot be placed by the new geometry, so they go at once; same-size faces stay
   * until the new ones arrive.
   */
  setFaceModel(faceResolution: number, canonical: CameraPipelineOptions['canonical']): void {
    if (faceResolution !== this.faceModel.resolution) {
      this.compositor.dropFaces();
      this.slotVersion.clear();
      this.slotLikeness.clear();
    }
    this.faceModel = { resolution: faceResolution, canonical };
    this.updateLensGeometry();
    this.invalidateFaces();
  }

  /** Starts recording the composited view (see recorder.ts); throws RecordingError. */
  startRecording(): void {
    if (!this.running) throw new RecordingError('startRecording: expected a running camera, got none');
    this.recorder.start();
  }

  /** The clip since startRecording(). */
  stopRecording(): Promise<Blob> {
    return this.recorder.stop();
  }

  /** The composited frame as a PNG (the last processed frame, drawn again). */
  capture(): Promise<Blob> {
    const v = this.video;
    if (!v || !this.running) return Promise.reject(new Error('capture: expected a running camera, got none'));
    this.composite(v, this.lastTracks);
    // toBlob snapshots the drawing buffer now, before it is presented and cleared.
    return new Promise((resolve, reject) =>
      this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('capture: PNG encoding failed'))), 'image/png'),
    );
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.close();
    this.compositor.dispose();
    releaseVisionWasm();
  }

  /**
   * The face source for the asked tracking: the detector, and with mesh tracking the landmarker reading each face
   * it finds. Mesh falls back to box (the same detector), with a warning, if the landmark model fails.
   * `follow`: faces to read before the detector is made (mesh tracking; see FaceMeshFinderOptions).
   */
  private async openFinder(follow?: readonly Box[]): Promise<FaceSource> {
    const { faceModelUrl, landmarkModelUrl, wasmBase, delegate, minScore } = this.finderOptions;
    const detecting = FaceFinder.create({ modelUrl: faceModelUrl, wasmBase, delegate, minScore });
    if (this.askedTracking !== 'mesh') {
      this.tracking = 'box';
      return detecting;
    }
    try {
      this.bundle ??= await fetchModelBytes(landmarkModelUrl, 'landmark-model');
      const finder = await FaceMeshFinder.create({
        bundle: this.bundle,
        bundleUrl: landmarkModelUrl,
        wasmBase,
        delegate,
        minScore,
        detector: detecting,
        follow,
      });
      if (!this.lens)
        this.lens = { mesh: new LensMesh(finder.canonical), fitter: new CameraFitter(finder.canonical.positions) };
      this.tracking = 'mesh';
      this.updateLensGeometry();
      return finder;
    } catch (e) {
      if (!(e instanceof FaceModelError)) {
        detecting.then(
          (d) => d.close(),
          () => {},
        );
        throw e;
      }
      const detector = await detecting;
      this.bundle = null;
      this.tracking = 'box';
      this.calls.onWarning(
        'face-model-load',
        `${e.message}; camera mode goes on with tracking="box" (a flat face placed by the detector)`,
      );
      return detector;
    }
  }

  /** The lens's texture coordinates follow the model's canonical eyes and mouth. */
  private updateLensGeometry(): void {
    const lens = this.lens?.mesh;
    if (!lens) return;
    this.compositor.setLensGeometry({
      vertexCount: lens.vertexCount,
      indices: lens.indices,
      edgeWeight: lens.edgeWeight,
      texCoords: lens.textureCoords(this.faceModel.canonical, this.faceModel.resolution),
    });
  }

  private async open(): Promise<void> {
    if (this.opening) return this.opening;
    this.opening = (async () => {
      // Both halves open in parallel; if either fails, whichever did open is released before rethrowing.
      const [f, c] = await Promise.allSettled([this.openFinder(), openFrontCamera(this.cameraRequest)]);
      if (f.status === 'rejected' || c.status === 'rejected') {
        if (f.status === 'fulfilled') f.value.close();
        if (c.status === 'fulfilled') stopStream(c.value.stream);
        // A camera error is the one the user can act on first.
        throw c.status === 'rejected' ? c.reason : (f as PromiseRejectedResult).reason;
      }
      const finder = f.value,
        cam = c.value;
      if (this.stopped || document.visibilityState !== 'visible') {
        finder.close();
        stopStream(cam.stream);
        return;
      }
      this.finder = finder;
      this.stream = cam.stream;
      this.video = cam.video;
      const rate = cam.stream.getVideoTracks()[0]?.getSettings().frameRate;
      this.cameraFrameMs = rate && rate > 0 ? 1000 / rate : 1000 / 30;
      this.overBudget = false;
      this.lastShown = null;
      this.lastTrackerTime = 0;
      this.tracker.reset();
      this.scheduleFrame();
    })();
    try {
      await this.opening;
    } finally {
      this.opening = null;
    }
  }

  /** Releases the camera, the detector and the frame callback (the compositor and its faces stay). */
  private close(): void {
    this.recorder.release();
    this.frameHandle?.cancel();
    this.frameHandle = null;
    if (this.stream) stopStream(this.stream);
    this.stream = null;
    if (this.video) this.video.srcObject = null;
    this.video = null;
    this.finder?.close();
    this.finder = null;
    this.lastTracks = [];
    this.likeness.clear();
    this.fps = 0;
    this.lastFrameAt = 0;
  }

  private visibilityChanged(): void {
    if (this.stopped) return;
    if (document.visibilityState === 'hidden') {
      this.close();
    } else if (!this.running) {
      this.open().catch((e) => {
        const type = errorType(e);
        this.calls.onError(type ?? 'camera-unavailable', (e as Error).message);
      });
    }
  }

  /**
   * The camera's frame interval as the frames arrive (a webcam may run below the rate it reports, in low light):
   * the time between two shown frames over the frames between them, averaged.
   */
  private frameInterval(meta: VideoFrameCallbackMetadata): number {
    const last = this.lastShown;
    this.lastShown = { at: meta.presentationTime, count: meta.presentedFrames };
    if (last && meta.presentedFrames > last.count && meta.presentationTime > last.at) {
      const each = (meta.presentationTime - last.at) / (meta.presentedFrames - last.count);
      this.cameraFrameMs += 0.1 * (clamp(each, 5, 1000) - this.cameraFrameMs);
    }
    return this.cameraFrameMs;
  }

  /** One callback per new video frame where the browser supports it, else per display frame. */
  private scheduleFrame(): void {
    const v = this.video;
    if (!v) return;
    if ('requestVideoFrameCallback' in v) {
      const id = v.requestVideoFrameCallback((_, meta) => this.frame(meta));
      this.frameHandle = { cancel: () => v.cancelVideoFrameCallback(id) };
    } else {
      const id = requestAnimationFrame(() => this.frame());
      this.frameHandle = { cancel: () => cancelAnimationFrame(id) };
    }
  }

  /**
   * `meta`: the new video frame's, where the browser calls back per video frame (requestVideoFrameCallback); only
   * there is a frame predicted, since a display-frame callback may show the same video frame again.
   */
  private frame(meta?: VideoFrameCallbackMetadata): void {
    const v = this.video;
    if (!v) return;
    this.scheduleFrame();
    if (v.readyState < 2 || !v.videoWidth) return;
    const t0 = performance.now();
    const interval = meta ? this.frameInterval(meta) : this.cameraFrameMs;
    // The frame's time: when the browser showed it (on the performance.now() clock), at most two frames back. The
    // tracker smooths and predicts in it, so that a prediction moves a face by the frames that passed, not by how
    // late a callback ran; and a frame counts its budget from it.
    const frameAt = Math.max(
      this.lastTrackerTime + 1e-3,
      meta ? clamp(meta.presentationTime, t0 - 2 * interval, t0) : t0,
    );
    this.lastTrackerTime = frameAt;
    // After a frame over budget the next one is predicted if a face seen in the last read can be carried on;
    // never two in a row.
    const predicted = meta !== undefined && this.overBudget && this.lastTracks.some((t) => t.missed === 0);
    let tracks: TrackedFace[];
    if (predicted) {
      tracks = this.tracker.predict(frameAt, this.settings.maxFaces, PREDICT_FRAMES * interval);
    } else {
      // While face tracking is made again (after its WebGL context was lost) the view goes on without faces.
      let detections: FaceDetection[] = [];
      const finder = this.finder;
      if (finder && !finder.lost) {
        try {
          detections = finder.detect(v, t0, this.settings.maxFaces);
        } catch (e) {
          this.renewFinder(`face tracking failed (${(e as Error).message})`);
        }
      }
      if (finder?.lost) this.renewFinder("face tracking's WebGL context was lost");
      tracks = this.tracker.update(detections, frameAt, this.settings.maxFaces);
    }
    const t1 = performance.now();
    // A face is measured from the landmarks face tracking read, not from predicted ones.
    if (this.settings.likeness && !predicted) {
      for (const m of this.likeness.update(v, tracks))
        this.calls.onLikeness({ id: m.id, skinTone: m.skinTone, hairColor: m.hairColor, faceWidth: m.faceWidth });
    }
    this.requestFaces(tracks);
    const measures = this.composite(v, tracks);
    const t2 = performance.now();
    this.overBudget = !predicted && t2 - frameAt > (this.frameBudgetMs ?? interval);
    this.lastTracks = tracks;
    if (this.lastFrameAt > 0) {
      const inst = 1000 / Math.max(1e-3, t0 - this.lastFrameAt);
      this.fps = this.fps === 0 ? inst : 0.9 * this.fps + 0.1 * inst;
    }
    this.lastFrameAt = t0;
    this.calls.onTrack({
      faces: tracks.map((t, i) => ({
        id: t.id,
        box: { ...t.box },
        score: t.score,
        overlaid: this.compositor.hasFace(t.slot),
        ...measures[i]!,
        landmarks: t.landmarks ?? null,
      })),
      tracking: this.tracking,
      compositor: this.compositor.kind,
      frameMs: t2 - t0,
      detectMs: predicted ? 0 : t1 - t0,
      compositeMs: t2 - t1,
      predicted,
      fps: this.fps,
    });
  }

  /**
   * Face tracking can no longer run (MediaPipe's WebGL context was lost, or it threw): it is closed and made
   * again on a fresh canvas, with a warning before and after; the camera and the view run on meanwhile.
   */
  private renewFinder(reason: string): void {
    if (this.renewing || this.stopped) return;
    const old = this.finder;
    this.finder = null;
    // The faces it followed are read again as soon as the new landmarker is made, before the detector is.
    const follow = old instanceof FaceMeshFinder && old.lost ? old.following : undefined;
    try {
      old?.close();
    } catch {
      // a task whose context is gone may fail to free what it no longer has
    }
    this.calls.onWarning('tracking-context-lost', `camera: ${reason}; face tracking restarts`);
    this.renewing = this.openFinder(follow)
      .then(
        (f) => {
          // Stopped, hidden (close() ran) or reopened by open() meanwhile: this one is not needed.
          if (this.stopped || !this.video || this.finder) {
            f.close();
            return;
          }
          this.finder = f;
          this.calls.onWarning('tracking-restored', 'camera: face tracking restarted');
        },
        (e) => {
          if (!this.stopped) this.calls.onError(errorType(e) ?? 'camera-unavailable', (e as Error).message);
        },
      )
      .finally(() => {
        this.renewing = null;
      });
  }

  /** Draws the frame and each track's face; returns each track's pose and expression (null without a mesh). */
  private composite(
    v: HTMLVideoElement,
    tracks: readonly TrackedFace[],
  ): Pick<CameraFace, 'pose' | 'mouthOpen' | 'eyesOpen'>[] {
    const { resolution: R, canonical: c } = this.faceModel,
      s = this.settings;
    // Mirrored, the face texture is sampled flipped (so it reads unmirrored on screen): fit the flipped
    // canonical points, whose image-left eye is the model's right one.
    const flip = (p: Point): Point => [R - p[0], p[1]];
    const src = s.mirror ? [flip(c.rightEye), flip(c.leftEye), flip(c.mouth)] : [c.leftEye, c.rightEye, c.mouth];
    const flat: FaceDraw[] = [],
      meshes: MeshDraw[] = [];
    const measures = tracks.map((t) => {
      const lens = this.lens;
      if (!t.landmarks || !lens) {
        flat.push({ slot: t.slot, transform: fitSimilarity(src, [t.leftEye, t.rightEye, t.mouth]) });
        return { pose: null, mouthOpen: null, eyesOpen: null };
      }
      const camera = lens.fitter.fit(t.landmarks);
      // One vertex buffer per slot, reused frame after frame (the compositor reads it only within draw()).
      let positions = this.meshPositions.get(t.slot);
      if (!positions) this.meshPositions.set(t.slot, (positions = new Float32Array(3 * lens.mesh.vertexCount)));
      lens.mesh.place(t.landmarks, camera, positions);
      meshes.push({
        slot: t.slot,
        positions,
        centre: [t.box.x + t.box.width / 2, t.box.y + t.box.height / 2],
        size: t.box.width,
      });
      return { pose: poseFromCamera(camera), ...measureExpression(t.landmarks) };
    });
    this.compositor.draw(v, flat, meshes, {
      mirror: s.mirror,
      opacity: s.opacity,
      feather: s.feather,
      lighting: s.lighting,
    });
    return measures;
  }

  private requestFaces(tracks: readonly TrackedFace[]): void {
    const R = this.faceModel.resolution;
    for (const { slot } of tracks) {
      const wear = this.settings.likeness ? this.likeness.forSlot(slot) : null;
      const wearing = wear?.id ?? -1;
      if (this.pending.has(slot)) continue;
      if (this.slotVersion.get(slot) === this.facesVersion && (this.slotLikeness.get(slot) ?? -1) === wearing) continue;
      const version = this.facesVersion;
      this.pending.add(slot);
      this.calls
        .faceFor(slot, wear?.likeness ?? null)
        .then((rgba) => {
          // A face from before a resolution change would be placed by the wrong geometry: it is dropped.
          if (this.stopped || R !== this.faceModel.resolution) return;
          // The face's silhouette fitted to the face oval, once per face (lens-mesh.ts, silhouette-fit.ts).
          this.compositor.setFace(slot, rgba, R, this.lens?.mesh.fitFace(this.faceModel.canonical, R, rgba));
        })
        .catch(() => {
          // faceFor reports its own errors; the slot waits for the next latent instead of retrying every frame.
        })
        .finally(() => {
          this.slotVersion.set(slot, version);
          this.slotLikeness.set(slot, wearing);
          this.pending.delete(slot);
        });
    }
  }
}
