/**
 * Camera mode: the CameraPipeline's lifecycle (loaded lazily, with MediaPipe, as a separate chunk), its settings
 * from the host's attributes, the generated face for each tracked slot, and capture while the camera view is up.
 * Errors turn camera mode off and the element shows its face; turning `camera` off and on again retries.
 */
import type { PropertyValues, ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULTS } from '../core/defaults.js';
import type { GenerateRequest, Generator } from '../core/generator.js';
import { premultipliedBytes } from '../core/face-pixels.js';
import { assets } from '../core/assets.js';
import type { CameraPipeline, CameraSettings } from '../camera/camera-pipeline.js';
import type { Likeness } from '../camera/likeness.js';
import { applyControls, hexRgb, type ControlValues } from '../core/controls.js';
import { cameraUnavailableReason } from '../camera/camera-stream.js';
import { matchSkin } from '../camera/skin-match.js';
import { parseMaxFaces, parseTracking, parseUnit } from './attributes.js';
import { emit, emitError, type BlazeFaceErrorType } from './events.js';
import { ModelLoadFailure, type ModelLoader } from './model-loader.js';

type PipelineModule = typeof import('../camera/camera-pipeline.js');

/** Host properties of camera mode that need the camera reopened (read by createPipeline). */
export const CAMERA_REOPEN_PROPS = ['camera', 'tracking', 'faceModel', 'landmarkModel', 'wasmBase'] as const;
/** Host properties of camera mode that the running pipeline takes as they are (read by settings()). */
export const CAMERA_LIVE_PROPS = [
  'maxFaces',
  'mirror',
  'blendOpacity',
  'blendFeather',
  'blendLighting',
  'likeness',
] as const;

/** What the camera controller reads from its host: the camera attributes as set. */
export interface CameraHost extends ReactiveControllerHost, HTMLElement {
  readonly hasUpdated: boolean;
  camera: boolean;
  maxFaces: number;
  mirror: boolean;
  blendOpacity: number;
  blendFeather: number;
  blendLighting: number;
  likeness: boolean;
  tracking: 'mesh' | 'box';
  faceModel: string | null;
  landmarkModel: string | null;
  wasmBase: string | null;
}

export interface CameraControllerOptions {
  /** The element's model, shared with its face. */
  models: ModelLoader;
  /**
   * What to generate for camera face `slot` (face k wears seed + k) from the element's face attributes. Throws
   * AttributeError when they do not fit the model.
   */
  faceRequest(generator: Generator, slot: number): GenerateRequest;
  /** The rendered box the camera view goes into. */
  box(): HTMLElement;
}

export class CameraController implements ReactiveController {
  /** The camera view is up (a camera error turns it off and the element shows its face). */
  on = false;
  private pipeline: CameraPipeline | null = null;
  private view: HTMLCanvasElement | null = null;
  /** Bumped by every start and stop: a start that sees another value was replaced. */
  private session = 0;

  constructor(
    private readonly host: CameraHost,
    private readonly o: CameraControllerOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // Back in the DOM; the first connection starts from the host's first update instead.
    if (this.host.camera && this.host.hasUpdated) void this.start();
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** From the host's updated(): reopens the camera, or gives the running pipeline its new settings. */
  attributesChanged(changed: PropertyValues): void {
    if (CAMERA_REOPEN_PROPS.some((p) => changed.has(p))) {
      // A bad value keeps the running camera: it is reported, not reopened with.
      try {
        parseTracking(this.host.tracking ?? DEFAULTS.camera.tracking);
      } catch (e) {
        this.fail('invalid-attribute', (e as Error).message);
        return;
      }
      this.stop();
      void this.start();
    } else if (this.pipeline && CAMERA_LIVE_PROPS.some((p) => changed.has(p))) {
      try {
        this.pipeline.update(this.settings());
      } catch (e) {
        this.fail('invalid-attribute', (e as Error).message);
      }
    }
  }

  /** The face attributes changed: the camera faces are generated again (the old ones stay until then). */
  invalidateFaces(): void {
    this.pipeline?.invalidateFaces();
  }

  /** Another model was adopted: its faces are placed by its own canonical points, and the camera stays open. */
  setFaceModel(generator: Generator): void {
    this.pipeline?.setFaceModel(generator.resolution, generator.manifest.canonical);
  }

  /** Starts recording the composited camera view; throws (an Error saying what was expected) when it cannot. */
  startRecording(): void {
    if (!this.on || !this.pipeline) throw new Error('startRecording: expected camera mode running, got none');
    this.pipeline.startRecording();
  }

  /** The clip since startRecording(); rejects when none is recording. */
  stopRecording(): Promise<Blob> {
    if (!this.pipeline)
      return Promise.reject(new Error('stopRecording: expected a recording in progress, got no camera'));
    return this.pipeline.stopRecording();
  }

  /** The composited camera frame as a PNG (video size, as displayed); null while the camera view is not up. */
  capture(): Promise<Blob> | null {
    return this.on && this.pipeline ? this.pipeline.capture() : null;
  }

  /** Starts camera mode if `camera` is set and it is not running; errors fall back to the face. */
  private async start(): Promise<void> {
    if (!this.host.camera || !this.host.isConnected || this.pipeline) return;
    const session = ++this.session;
    const stale = () => session !== this.session;
    let settings: CameraSettings;
    let tracking: 'mesh' | 'box';
    try {
      settings = this.settings();
      tracking = parseTracking(this.host.tracking ?? DEFAULTS.camera.tracking);
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      return;
    }
    // A page that can have no camera (an insecure context) is told at once, before MediaPipe is fetched for nothing.
    const unavailable = cameraUnavailableReason();
    if (unavailable) {
      this.fail('camera-unavailable', unavailable);
      return;
    }
    // The same model load the face waits on: it rejects when the load fails, and camera mode then stays off.
    let generator: Generator;
    try {
      ({ generator } = await this.o.models.latest());
    } catch (e) {
      if (!stale()) {
        this.fail(
          e instanceof ModelLoadFailure ? e.type : 'model-load',
          `camera: expected a face model to overlay, got a failed load (${(e as Error).message})`,
        );
      }
      return;
    }
    if (stale()) return;
    // The pipeline (and MediaPipe with it) is a separate chunk, loaded only by pages that use the camera.
    const mod = await import('../camera/camera-pipeline.js');
    if (stale()) return;
    await this.host.updateComplete;
    if (stale()) return;
    const view = document.createElement('canvas');
    view.setAttribute('part', 'camera');
    let pipeline: CameraPipeline;
    try {
      // A newer model may have been adopted during the awaits: place faces by the one held now.
      pipeline = this.createPipeline(mod, view, this.o.models.generator ?? generator, tracking, settings, stale);
    } catch (e) {
      this.fail('camera-unavailable', (e as Error).message);
      return;
    }
    this.pipeline = pipeline;
    this.view = view;
    this.o.box().append(view);
    try {
      await pipeline.start();
    } catch (e) {
      if (stale()) return;
      this.stop();
      this.fail(mod.errorType(e) ?? 'camera-unavailable', (e as Error).message);
      return;
    }
    if (stale()) return;
    this.on = true;
    this.host.requestUpdate();
  }

  /**
   * The one place a CameraPipeline is made: every option the element gives it. The attributes in
   * CAMERA_REOPEN_PROPS are read here; those in CAMERA_LIVE_PROPS arrive as `settings`.
   */
  private createPipeline(
    mod: PipelineModule,
    canvas: HTMLCanvasElement,
    generator: Generator,
    tracking: 'mesh' | 'box',
    settings: CameraSettings,
    stale: () => boolean,
  ): CameraPipeline {
    const h = this.host;
    return new mod.CameraPipeline(
      {
        canvas,
        tracking,
        faceModelUrl: h.faceModel ? new URL(h.faceModel, document.baseURI).href : assets.faceDetector(),
        landmarkModelUrl: h.landmarkModel ? new URL(h.landmarkModel, document.baseURI).href : assets.faceLandmarker(),
        wasmBase: h.wasmBase ? new URL(h.wasmBase, document.baseURI).href : assets.mediapipeWasm(),
        delegate: DEFAULTS.camera.delegate,
        minScore: DEFAULTS.camera.minScore,
        capture: { width: DEFAULTS.camera.width, height: DEFAULTS.camera.height },
        tracker: {
          smoothing: DEFAULTS.camera.smoothing,
          minIou: DEFAULTS.camera.minIou,
          maxMissed: DEFAULTS.camera.maxMissed,
        },
        faceResolution: generator.resolution,
        canonical: generator.manifest.canonical,
        faceFor: (slot, likeness) => this.faceFor(slot, likeness, stale),
        onLikeness: (detail) => {
          if (!stale()) emit(h, 'blaze-face-likeness', detail);
        },
        onTrack: (detail) => {
          if (!stale()) emit(h, 'blaze-face-track', detail);
        },
        onError: (type, message) => {
          if (stale()) return;
          this.stop();
          this.fail(type, message);
        },
        // Worked around, and the camera runs on: a landmark model that failed (mesh fell back to box) is reported
        // as the face-model-load error it is; a lost or restored WebGL context as a warning.
        onWarning: (type, message) => {
          if (stale()) return;
          if (type === 'face-model-load') this.fail(type, message);
          else emit(h, 'blaze-face-warning', { type, message });
        },
      },
      settings,
    );
  }

  /** The attributes in CAMERA_LIVE_PROPS, parsed. A removed attribute comes back as null: the default again. */
  private settings(): CameraSettings {
    const h = this.host;
    return {
      maxFaces: parseMaxFaces(h.maxFaces ?? DEFAULTS.camera.maxFaces),
      mirror: h.mirror,
      opacity: parseUnit('blend-opacity', h.blendOpacity ?? DEFAULTS.camera.blendOpacity),
      feather: parseUnit('blend-feather', h.blendFeather ?? DEFAULTS.camera.blendFeather),
      lighting: parseUnit('blend-lighting', h.blendLighting ?? DEFAULTS.camera.blendLighting),
      likeness: h.likeness,
    };
  }

  /**
   * Premultiplied RGBA bytes of the face for a camera slot: one generation and one readback per latent (and per
   * measured likeness, which sets the style's skinTone, hairColor and faceWidth where it has them).
   */
  private async faceFor(slot: number, likeness: Likeness | null, stale: () => boolean): Promise<Uint8Array> {
    const { generator } = await this.o.models.latest(); // a failed load is the face's to report; the slot keeps its face
    if (stale()) throw new Error('camera: stopped before the face was generated');
    let req;
    try {
      req = this.o.faceRequest(generator, slot);
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      throw e;
    }
    const controls = generator.manifest.controls;
    if (likeness && controls) {
      const values: ControlValues = {};
      if (controls.skinTone) values.skinTone = likeness.skinTone;
      if (controls.hairColor && likeness.hairColor) values.hairColor = likeness.hairColor;
      if (controls.faceWidth) values.faceWidth = likeness.faceWidth;
      req = { ...req, z: applyControls(req.z, controls, values) };
    }
    const rgba = await premultipliedBytes(generator, req);
    // The ramp's nearest tone, then the measured one exactly: a skin tone off the style's ramp still comes through.
    if (likeness && controls?.skinTone) {
      const wanted = hexRgb(likeness.skinTone);
      if (wanted) matchSkin(rgba, generator.manifest.resolution, generator.manifest.canonical, wanted);
    }
    return rgba;
  }

  /** Releases camera mode: the tracks, the MediaPipe task, the frame loop and the GL canvas. */
  private stop(): void {
    this.session++;
    this.pipeline?.stop();
    this.pipeline = null;
    this.view?.remove();
    this.view = null;
    if (this.on) {
      this.on = false;
      this.host.requestUpdate();
    }
  }

  private fail(type: BlazeFaceErrorType, message: string): void {
    emitError(this.host, type, message);
  }
}
