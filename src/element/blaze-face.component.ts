import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS, BUNDLED_STYLES, type BackendName, type BackendPreference, type LoadingMode } from '../core/defaults.js';
import { configureWasm, ensureBackend, onDeviceLost } from '../core/backend.js';
import { acquireModel, releaseModel } from '../core/model-registry.js';
import { unpremultiply, type GenerateRequest, type Generator } from '../core/generator.js';
import { seedToZ } from '../core/seed.js';
import { FACE_MODEL_URL, looksLikeStyleName, MEDIAPIPE_WASM_BASE, resolveStyle, WASM_BASE } from '../assets.js';
import type { CameraPipeline, CameraSettings } from '../camera/camera-pipeline.js';
import {
  AttributeError, onUnlessFalse, parseBackend, parseLatent, parseLoading, parseMaxFaces, parseMixLayer, parseSeed,
  parseTruncation, parseUnit,
} from './attributes.js';
import { emit, type BlazeFaceErrorType } from './events.js';
import { styles } from './blaze-face.styles.js';

configureWasm(WASM_BASE);

/** Attributes whose change asks for a new face. */
const FACE_PROPS = ['seed', 'latent', 'faceStyle', 'truncation', 'mixSeed', 'mixLayer', 'backend', 'loading'] as const;
/** Camera attributes that need the camera reopened, and those the running pipeline takes as they are. */
const CAMERA_OPEN_PROPS = ['camera', 'faceModel', 'wasmBase'] as const;
const CAMERA_LIVE_PROPS = ['maxFaces', 'mirror', 'blendOpacity', 'blendFeather'] as const;

/**
 * `<blaze-face>`: a stylised face generated on the device by a BlazeStyleGAN generator (TensorFlow.js:
 * WebGPU, falling back to WebGL, wasm, then CPU). With `camera`, a live AR filter: the front camera, faces found
 * by MediaPipe, and a generated face blended over each one on the GPU. Nothing leaves the device.
 *
 * @summary On-device face generation.
 *
 * @event blaze-face-load - The model is ready and its first face is drawn. detail: `{style, backend, resolution, loadMs}`.
 * @event blaze-face-render - A new face was drawn. detail: `{ms, backend}`.
 * @event blaze-face-progress - Model bytes arrived. detail: `{fraction}` in [0, 1].
 * @event blaze-face-error - Something was wrong; the last good face stays. detail: `{type, message}` with
 *   `type` one of `model-load`, `invalid-attribute`, `backend-unavailable`, `device-lost`, `camera-denied`,
 *   `camera-unavailable`, `face-model-load`. After a camera error the element shows the generated face;
 *   turning `camera` off and on again retries.
 * @event blaze-face-track - Camera mode, after each processed frame. detail: `{faces: [{id, box: {x, y, width,
 *   height}, score, overlaid}], frameMs, detectMs, compositeMs, fps}`, boxes in video pixels of the unmirrored
 *   frame; `overlaid` once the face's generated face is drawn over it.
 *
 * @csspart canvas - The canvas the face is drawn into (sized by CSS, sharp at devicePixelRatio).
 * @csspart camera - Camera mode: the composited camera view (video size, fitted by `object-fit: cover`).
 * @csspart placeholder - Shown with a progress bar until the first face.
 *
 * @cssproperty [--blaze-face-size=256px] - Width (and height) of the element.
 * @cssproperty --blaze-face-placeholder - Background of the placeholder.
 * @cssproperty [--blaze-face-accent=#3b6fd8] - Colour of the progress bar.
 * @cssproperty [--blaze-face-camera-aspect=4 / 3] - Aspect ratio of the element in camera mode.
 */
export class BlazeFaceElement extends LitElement {
  static override styles = styles;

  /** Integer in [0, 2^32 - 1]: which face. The same seed gives the same face as in Python. Default 0. */
  @property({ type: Number }) seed: number = DEFAULTS.seed;

  /** Comma-separated numbers, exactly the model's z dimension (64 for `toon` and `sketch`); wins over `seed`. Default none. */
  @property() latent: string | null = null;

  /** A bundled style name (`toon`, `sketch`) or the URL of a model.json. Default `toon`. */
  @property({ attribute: 'face-style' }) faceStyle: string = DEFAULTS.faceStyle;

  /** In [0, 1]: 1 keeps the latent as it is, 0 gives the average face. Default 1. */
  @property({ type: Number }) truncation: number = DEFAULTS.truncation;

  /** Seed of a second face for style mixing: layers from `mix-layer` on take their style from it. Default none. */
  @property({ type: Number, attribute: 'mix-seed' }) mixSeed: number | null = null;

  /** First layer taken from `mix-seed` (0 = all of them; low layers are coarse: head shape and hair). Default: half the layers. */
  @property({ type: Number, attribute: 'mix-layer' }) mixLayer: number | null = null;

  /** `auto` | `webgpu` | `webgl` | `wasm` | `cpu`. One backend per page: the first element decides. Default `auto`. */
  @property() backend: BackendPreference = DEFAULTS.backend;

  /** `eager` loads at once; `lazy` waits until the element is near the viewport. Default `eager`. */
  @property() loading: LoadingMode = DEFAULTS.loading;

  /** Camera mode: the front camera with a generated face over each detected face. Default off. */
  @property({ type: Boolean, reflect: true }) camera = false;

  /** Camera mode: how many faces to follow, 1..8; face k wears seed + k. Default 1. */
  @property({ type: Number, attribute: 'max-faces' }) maxFaces: number = DEFAULTS.camera.maxFaces;

  /** Camera mode: show the view mirrored like a selfie camera; `mirror="false"` turns it off. Default on. */
  @property({ attribute: 'mirror', converter: onUnlessFalse }) mirror: boolean = DEFAULTS.camera.mirror;

  /** Camera mode: opacity of the generated faces, in [0, 1]. Default 1. */
  @property({ type: Number, attribute: 'blend-opacity' }) blendOpacity: number = DEFAULTS.camera.blendOpacity;

  /** Camera mode: how far each face's edge fades in, in [0, 1] (a fraction of the face). Default 0.3. */
  @property({ type: Number, attribute: 'blend-feather' }) blendFeather: number = DEFAULTS.camera.blendFeather;

  /** Camera mode: URL of a MediaPipe face detector .tflite (with metadata). Default: the package's own. */
  @property({ attribute: 'face-model' }) faceModel: string | null = null;

  /** Camera mode: URL of a folder with tasks-vision's wasm files. Default: the package's own copy. */
  @property({ attribute: 'wasm-base' }) wasmBase: string | null = null;

  @state() private hasFace = false;
  @state() private progress = 0;
  /** The camera view is up (a camera error turns it off and shows the face). */
  @state() private cameraOn = false;
  @query('canvas[part=canvas]') private canvas!: HTMLCanvasElement;
  @query('.camera') private cameraBox!: HTMLElement;

  private generator: Generator | null = null;
  private modelUrl: string | null = null;
  private activeBackend: BackendName | null = null;
  /** The face shown now, at the model's resolution; the visible canvas is a scaled copy. */
  private readonly faceCanvas = document.createElement('canvas');
  private token = 0;
  private renderQueued = false;
  private visible = false;
  /** A lazy element deferred its face until it nears the viewport. */
  private waitingForVisibility = false;
  private intersection: IntersectionObserver | null = null;
  private resize: ResizeObserver | null = null;
  private releaseTimer: ReturnType<typeof setTimeout> | null = null;
  private stopLostWatch: (() => void) | null = null;
  private pipeline: CameraPipeline | null = null;
  private cameraView: HTMLCanvasElement | null = null;
  private cameraToken = 0;
  /** Camera faces waiting for the model. */
  private generatorWaiters: ((g: Generator) => void)[] = [];

  /** The backend in use once a face is drawn, else null. */
  get backendName(): BackendName | null {
    return this.activeBackend;
  }

  /** The model's output resolution once loaded, else null. */
  get resolution(): number | null {
    return this.generator?.resolution ?? null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.releaseTimer !== null) {
      clearTimeout(this.releaseTimer); // moved in the DOM: keep the model
      this.releaseTimer = null;
    }
    this.stopLostWatch = onDeviceLost((message) => this.fail('device-lost', message));
    this.intersection = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (this.visible && this.waitingForVisibility) this.queueFace();
    }, { rootMargin: '200px' });
    this.intersection.observe(this);
    this.queueFace();
    if (this.camera && this.hasUpdated) void this.syncCamera();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.token++; // cancels in-flight work
    this.intersection?.disconnect();
    this.intersection = null;
    this.resize?.disconnect();
    this.resize = null;
    this.stopLostWatch?.();
    this.stopLostWatch = null;
    this.stopCamera();
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = null;
      if (this.modelUrl) releaseModel(this.modelUrl);
      this.modelUrl = null;
      this.generator = null;
    }, DEFAULTS.releaseDelayMs);
  }

  protected override firstUpdated(): void {
    this.resize = new ResizeObserver(() => this.paint());
    this.resize.observe(this.canvas);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (FACE_PROPS.some((p) => changed.has(p))) {
      this.queueFace();
      this.pipeline?.invalidateFaces();
    }
    if (CAMERA_OPEN_PROPS.some((p) => changed.has(p))) {
      this.stopCamera();
      void this.syncCamera();
    } else if (this.pipeline && CAMERA_LIVE_PROPS.some((p) => changed.has(p))) {
      try {
        this.pipeline.update(this.cameraSettings());
      } catch (e) {
        this.fail('invalid-attribute', (e as Error).message);
      }
    }
  }

  /**
   * The face shown now, as a PNG with alpha at the model's resolution; in camera mode, the composited camera
   * frame (video size, as displayed).
   */
  capture(): Promise<Blob> {
    if (this.cameraOn && this.pipeline) return this.pipeline.capture();
    if (!this.hasFace) return Promise.reject(new Error('capture: expected a drawn face, got none yet'));
    return new Promise((resolve, reject) =>
      this.faceCanvas.toBlob((b) => (b ? resolve(b) : reject(new Error('capture: PNG encoding failed'))), 'image/png'));
  }

  /** Shows a new random face (a random `seed`; clears `latent`). */
  randomize(): void {
    this.latent = null;
    this.seed = Math.floor(Math.random() * 0x100000000);
  }

  private queueFace(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      void this.renderFace();
    });
  }

  private fail(type: BlazeFaceErrorType, message: string): void {
    emit(this, 'blaze-face-error', { type, message });
  }

  private async renderFace(): Promise<void> {
    const token = ++this.token;
    const stale = () => token !== this.token;
    if (!this.isConnected) return;
    let backendPref: BackendPreference;
    let truncation: number;
    try {
      backendPref = parseBackend(this.backend);
      this.waitingForVisibility = parseLoading(this.loading) === 'lazy' && !this.visible;
      if (this.waitingForVisibility) return;
      truncation = parseTruncation(this.truncation);
      if (!(BUNDLED_STYLES as readonly string[]).includes(this.faceStyle) && looksLikeStyleName(this.faceStyle)) {
        throw new AttributeError(`face-style: expected one of ${BUNDLED_STYLES.join(', ')} or a model.json URL, got ${JSON.stringify(this.faceStyle)}`);
      }
      if (this.latent === null) parseSeed('seed', this.seed);
      if (this.mixSeed !== null) parseSeed('mix-seed', this.mixSeed);
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      return;
    }

    let backend: BackendName;
    try {
      backend = await ensureBackend(backendPref);
    } catch (e) {
      if (!stale()) this.fail('backend-unavailable', (e as Error).message);
      return;
    }
    if (stale()) return;

    const url = resolveStyle(this.faceStyle);
    const t0 = performance.now();
    let newModel = false;
    if (url !== this.modelUrl || !this.generator) {
      let gen: Generator;
      try {
        gen = await acquireModel(url, (fraction) => {
          if (stale()) return;
          this.progress = fraction;
          emit(this, 'blaze-face-progress', { fraction });
        });
      } catch (e) {
        if (!stale()) this.fail('model-load', (e as Error).message);
        return;
      }
      if (stale()) {
        releaseModel(url); // a newer request won: drop what this one loaded
        return;
      }
      if (this.modelUrl) releaseModel(this.modelUrl);
      this.generator = gen;
      this.modelUrl = url;
      newModel = true;
      // Camera faces were made by the old model: remake them, placed by the new model's canonical points.
      this.pipeline?.setFaceModel(gen.resolution, gen.manifest.canonical);
    }
    const gen = this.generator!;
    for (const resolve of this.generatorWaiters.splice(0)) resolve(gen);

    let req: GenerateRequest;
    try {
      req = this.faceRequest(gen, truncation, 0);
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      return;
    }

    const t1 = performance.now();
    try {
      await this.draw(gen, req);
    } catch (e) {
      if (!stale()) this.fail(backend === 'webgpu' ? 'device-lost' : 'backend-unavailable', (e as Error).message);
      return;
    }
    const now = performance.now();
    this.activeBackend = backend;
    emit(this, 'blaze-face-render', { ms: now - t1, backend });
    if (newModel) {
      emit(this, 'blaze-face-load', { style: this.faceStyle, backend, resolution: gen.resolution, loadMs: now - t0 });
    }
  }

  /** What to generate for face `slot`: slot 0 is the element's own face, slot k (camera mode) seed + k. Throws AttributeError. */
  private faceRequest(gen: Generator, truncation: number, slot: number): GenerateRequest {
    const arch = gen.manifest.architecture;
    const z = this.latent !== null && slot === 0
      ? parseLatent(this.latent, arch.zDim)
      : seedToZ((parseSeed('seed', this.seed) + slot) >>> 0, arch.zDim);
    if (this.mixSeed === null) return { z, truncation };
    const mixZ = seedToZ(this.mixSeed, arch.zDim);
    const mixLayer = this.mixLayer === null ? Math.floor(arch.numWs / 2) : parseMixLayer(this.mixLayer, arch.numWs);
    return { z, truncation, mixZ, mixLayer };
  }

  private readyGenerator(): Promise<Generator> {
    if (this.generator) return Promise.resolve(this.generator);
    return new Promise((resolve) => this.generatorWaiters.push(resolve));
  }

  private cameraSettings(): CameraSettings {
    return {
      // A removed attribute comes back as null: the default again.
      maxFaces: parseMaxFaces(this.maxFaces ?? DEFAULTS.camera.maxFaces),
      mirror: this.mirror,
      opacity: parseUnit('blend-opacity', this.blendOpacity ?? DEFAULTS.camera.blendOpacity),
      feather: parseUnit('blend-feather', this.blendFeather ?? DEFAULTS.camera.blendFeather),
    };
  }

  /** Premultiplied RGBA bytes of the face for a camera slot: one generation and one readback per latent. */
  private async cameraFace(slot: number): Promise<Uint8Array> {
    const gen = await this.readyGenerator();
    let req: GenerateRequest;
    try {
      req = this.faceRequest(gen, parseTruncation(this.truncation), slot);
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      throw e;
    }
    const bytes = tf.tidy(() => tf.cast(tf.round(tf.mul(gen.generate(req), 255)), 'int32'));
    try {
      return Uint8Array.from(await bytes.data());
    } finally {
      bytes.dispose();
    }
  }

  /** Starts camera mode if `camera` is set and it is not running; errors fall back to the face. */
  private async syncCamera(): Promise<void> {
    if (!this.camera || !this.isConnected || this.pipeline) return;
    const token = ++this.cameraToken;
    const stale = () => token !== this.cameraToken;
    let settings: CameraSettings;
    try {
      settings = this.cameraSettings();
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      return;
    }
    const gen = await this.readyGenerator();
    // The pipeline (and MediaPipe with it) is a separate chunk, loaded only by pages that use the camera.
    const { CameraPipeline, errorType } = await import('../camera/camera-pipeline.js');
    await this.updateComplete;
    if (stale()) return;
    const view = document.createElement('canvas');
    view.setAttribute('part', 'camera');
    let pipeline: CameraPipeline;
    try {
      pipeline = new CameraPipeline({
        canvas: view,
        faceModelUrl: this.faceModel ? new URL(this.faceModel, document.baseURI).href : FACE_MODEL_URL,
        wasmBase: this.wasmBase ? new URL(this.wasmBase, document.baseURI).href : MEDIAPIPE_WASM_BASE,
        delegate: DEFAULTS.camera.delegate,
        minScore: DEFAULTS.camera.minScore,
        capture: { width: DEFAULTS.camera.width, height: DEFAULTS.camera.height },
        tracker: { smoothing: DEFAULTS.camera.smoothing, minIou: DEFAULTS.camera.minIou, maxMissed: DEFAULTS.camera.maxMissed },
        faceResolution: gen.resolution,
        canonical: gen.manifest.canonical,
        faceFor: (slot) => this.cameraFace(slot),
        onTrack: (detail) => {
          if (!stale()) emit(this, 'blaze-face-track', detail);
        },
        onError: (type, message) => {
          if (stale()) return;
          this.stopCamera();
          this.fail(type, message);
        },
      }, settings);
    } catch (e) {
      this.fail('camera-unavailable', (e as Error).message);
      return;
    }
    this.pipeline = pipeline;
    this.cameraView = view;
    this.cameraBox.append(view);
    try {
      await pipeline.start();
    } catch (e) {
      if (stale()) return;
      this.stopCamera();
      this.fail(errorType(e) ?? 'camera-unavailable', (e as Error).message);
      return;
    }
    if (!stale()) this.cameraOn = true;
  }

  /** Releases camera mode: the tracks, the MediaPipe task, the frame loop and the GL canvas. */
  private stopCamera(): void {
    this.cameraToken++;
    this.pipeline?.stop();
    this.pipeline = null;
    this.cameraView?.remove();
    this.cameraView = null;
    this.cameraOn = false;
  }

  /**
   * Generates on the backend and copies the face into the 2d face canvas: one readback of R x R x 4 bytes per
   * new face. A WebGPU canvas would avoid it, but in Chromium 156 (SwiftShader, headless) using a WebGPU
   * canvas context breaks every later buffer map on the device, so the tested path is this one.
   */
  private async draw(gen: Generator, req: Parameters<Generator['generate']>[0]): Promise<void> {
    const face = gen.generate(req);
    const straight = unpremultiply(face);
    face.dispose();
    try {
      await tf.browser.toPixels(straight, this.faceCanvas);
    } finally {
      straight.dispose();
    }
    this.hasFace = true;
    this.paint();
  }

  /** Copies the face into the visible canvas at its CSS size x devicePixelRatio. */
  private paint(): void {
    const c = this.canvas;
    if (!c || !this.hasFace) return;
    const w = Math.max(1, Math.round(c.clientWidth * devicePixelRatio));
    const h = Math.max(1, Math.round(c.clientHeight * devicePixelRatio));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, w, h);
    ctx.imageSmoothingQuality = 'high';
    const side = Math.min(w, h); // square face, centred in a box of any shape
    ctx.drawImage(this.faceCanvas, (w - side) / 2, (h - side) / 2, side, side);
  }

  protected override render() {
    return html`
      <div class="base" part="base">
        <canvas part="canvas"></canvas>
        <div class="camera ${this.cameraOn ? 'on' : ''}"></div>
        ${this.hasFace || this.cameraOn ? nothing : html`
          <div class="placeholder" part="placeholder" role="progressbar" aria-label="Loading face"
               aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(this.progress * 100)}>
            <div class="progress"><div class="bar" style="width: ${(this.progress * 100).toFixed(1)}%"></div></div>
          </div>`}
      </div>`;
  }
}
