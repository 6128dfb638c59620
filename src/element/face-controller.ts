/**
 * The element's own face: each face request from attributes to pixels on the canvas, with its load, render and
 * error events; the model comes from the element's ModelLoader (model-loader.ts), which the camera shares. Also the
 * watch on the GPU device (a loss that recovers is a warning and the face is made again; one that does not, an
 * error), and the visible canvas kept sharp.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BackendName, BackendPreference, LoadingMode } from '../core/defaults.js';
import { backendInUse, deviceLosses, lostSince, onDeviceLost, type DeviceLossEvent } from '../core/backend.js';
import type { GenerateRequest, Generator } from '../core/generator.js';
import { drawFace, type DrawPath } from '../core/face-pixels.js';
import { faceRequest } from '../core/face-request.js';
import {
  AttributeError,
  controlAttribute,
  parseBackend,
  parseColor,
  parseLatent,
  parseLoading,
  parseSeed,
  parseStyle,
  parseTruncation,
  parseUnit,
} from './attributes.js';
import type { ControlValues } from '../core/controls.js';
import { emit, emitError, type BlazeFaceErrorType } from './events.js';
import type { VisibilityController } from './visibility-controller.js';
import { ModelLoadFailure, SupersededLoad, type ModelLoad, type ModelLoader, type ReadyModel } from './model-loader.js';

/** Host properties whose change asks for a new face. */
export const FACE_PROPS = [
  'seed',
  'latent',
  'faceStyle',
  'truncation',
  'mixSeed',
  'mixLayer',
  'backend',
  'loading',
  'skinTone',
  'hairColor',
  'faceWidth',
] as const;

/** What the face controller reads from its host: the face attributes as set; it parses them once per request. */
export interface FaceHost extends ReactiveControllerHost, HTMLElement {
  seed: number;
  latent: string | null;
  faceStyle: string;
  truncation: number;
  mixSeed: number | null;
  mixLayer: number | null;
  backend: BackendPreference;
  loading: LoadingMode;
  skinTone: string | null;
  hairColor: string | null;
  faceWidth: number | null;
}

/** One face request's attributes, parsed once: the element's face and every camera face are made from them. */
interface FaceSpec {
  /** `face-style` as given (the load event reports it), and the model.json it names. */
  style: string;
  url: string;
  backend: BackendPreference;
  loading: LoadingMode;
  truncation: number;
  /** The seed, or why it is not one: a latent wins over it for the element's face, but camera face k uses seed + k. */
  seed: number | AttributeError;
  /** Checked against the model's z dimension once the model is known. */
  latent: string | null;
  mixSeed: number | null;
  /** Checked against the model's number of styles once the model is known. */
  mixLayer: number | null;
  /** The face controls given (skin tone, hair colour, face width), checked against the style's once it is known. */
  controls: ControlValues;
}

export interface FaceControllerOptions {
  /** The visible canvas, once rendered. */
  canvas(): HTMLCanvasElement | null;
  /** `loading="lazy"`: requests wait until the element nears the viewport. */
  visibility: VisibilityController;
  /** The element's model, shared with the camera. */
  models: ModelLoader;
  /** The generator runs again after a lost GPU device: faces made elsewhere (the camera's) are made again too. */
  deviceRestored(): void;
}

export class FaceController implements ReactiveController {
  /** A face is drawn (the placeholder goes). */
  hasFace = false;
  /** Fraction of the model's bytes received, for the placeholder's progress bar. */
  progress = 0;
  /** The backend of the last face drawn, else null. */
  backend: BackendName | null = null;

  /** The face shown now, at the model's resolution; the visible canvas is a scaled copy. */
  private faceCanvas = document.createElement('canvas');
  /** The visible canvas's size in device pixels, measured when it resized. */
  private canvasSize: { w: number; h: number; dpr: number } | null = null;
  /** The latest request's attributes, once they parsed. */
  private spec: FaceSpec | null = null;
  /** Bumped by every request and by disconnection: a request that sees another value was replaced. */
  private requestId = 0;
  private queued = false;
  /** The load whose blaze-face-load has fired: once per model new to this element, with its first face. */
  private announced: ModelLoad | null = null;
  private stopLostWatch: (() => void) | null = null;
  private resize: ResizeObserver | null = null;

  constructor(
    private readonly host: FaceHost,
    private readonly o: FaceControllerOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.stopLostWatch = onDeviceLost((e) => this.deviceLost(e));
    this.observeCanvas();
    this.request();
  }

  hostUpdated(): void {
    this.observeCanvas(); // the canvas exists from the first render on
  }

  hostDisconnected(): void {
    this.requestId++; // cancels in-flight requests
    this.resize?.disconnect();
    this.resize = null;
    this.stopLostWatch?.();
    this.stopLostWatch = null;
  }

  /** Asks for the face of the current attributes; requests made in the same task collapse into one. */
  request(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      void this.run();
    });
  }

  /**
   * What to generate for face `slot` of the latest request: slot 0 is the element's own face, slot k (camera mode)
   * seed + k. Throws AttributeError when the attributes do not fit the model.
   */
  requestFor(generator: Generator, slot: number): GenerateRequest {
    if (!this.spec) throw new Error('face: expected a face request, got none yet');
    return generateRequest(this.spec, generator, slot);
  }

  /** The face shown now, as a PNG with alpha at the model's resolution. */
  capture(): Promise<Blob> {
    if (!this.hasFace) return Promise.reject(new Error('capture: expected a drawn face, got none yet'));
    return new Promise((resolve, reject) =>
      this.faceCanvas.toBlob((b) => (b ? resolve(b) : reject(new Error('capture: PNG encoding failed'))), 'image/png'),
    );
  }

  /** One face request: parse, wait for visibility and the model, generate, draw, announce. Replaced requests stop at the next await. */
  private async run(): Promise<void> {
    const id = ++this.requestId;
    const stale = () => id !== this.requestId;
    if (!this.host.isConnected) return;
    let spec: FaceSpec;
    try {
      spec = this.parse();
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      return;
    }
    this.spec = spec;
    if (this.o.visibility.defer(spec.loading)) return; // requested again when near the viewport

    const losses = deviceLosses();
    const load = this.o.models.load(spec.url, spec.backend);
    let model: ReadyModel;
    try {
      model = await load.ready;
    } catch (e) {
      if (!stale() && !(e instanceof SupersededLoad)) {
        this.fail(e instanceof ModelLoadFailure ? e.type : 'model-load', (e as Error).message);
      }
      return;
    }
    if (stale()) return;

    let req: GenerateRequest;
    try {
      req = generateRequest(spec, model.generator, 0);
    } catch (e) {
      this.fail('invalid-attribute', (e as Error).message);
      return;
    }
    const t1 = performance.now();
    const r = model.generator.resolution;
    let target = this.faceCanvas;
    if (target.width !== r || target.height !== r) {
      // Another size (a style switch): a new canvas, so that the face shown stays until this one is drawn.
      target = document.createElement('canvas');
      target.width = r;
      target.height = r;
    }
    let path: DrawPath | null;
    try {
      path = await drawFace(model.generator, req, target.getContext('2d')!, stale);
    } catch (e) {
      if (stale()) return;
      // A lost GPU device: its recovery asks for the face again, or reports that it failed.
      if (await lostSince(losses)) return;
      const backend = backendInUse()?.name ?? model.backend;
      this.fail(backend === 'webgpu' ? 'device-lost' : 'backend-unavailable', (e as Error).message);
      return;
    }
    if (path === null || stale()) return; // a newer request replaced this face: it is neither drawn nor announced
    this.faceCanvas = target;
    this.shown();
    const now = performance.now();
    // The backend now: after a lost device, the generator may run on the next one in line.
    const backend = backendInUse()?.name ?? model.backend;
    this.backend = backend;
    emit(this.host, 'blaze-face-render', { ms: now - t1, backend, draw: path });
    if (model.loadStart !== null && this.announced !== load) {
      this.announced = load;
      emit(this.host, 'blaze-face-load', {
        style: spec.style,
        backend: model.backend,
        backendReason: model.backendReason,
        resolution: model.generator.resolution,
        loadMs: now - model.loadStart,
      });
    }
  }

  /** The host's face attributes, parsed; throws AttributeError saying what was expected and what arrived. */
  private parse(): FaceSpec {
    const h = this.host;
    const backend = parseBackend(h.backend);
    const loading = parseLoading(h.loading);
    const truncation = parseTruncation(h.truncation);
    const { url } = parseStyle(h.faceStyle);
    let seed: number | AttributeError;
    try {
      seed = parseSeed('seed', h.seed);
    } catch (e) {
      if (h.latent === null) throw e;
      seed = e as AttributeError; // the latent wins; only camera faces k > 0 would need the seed
    }
    const mixSeed = h.mixSeed === null ? null : parseSeed('mix-seed', h.mixSeed);
    const controls: ControlValues = {};
    if (h.skinTone !== null) controls.skinTone = parseColor('skin-tone', h.skinTone);
    if (h.hairColor !== null) controls.hairColor = parseColor('hair-color', h.hairColor);
    if (h.faceWidth !== null) controls.faceWidth = parseUnit('face-width', h.faceWidth);
    return {
      style: h.faceStyle,
      url,
      backend,
      loading,
      truncation,
      seed,
      latent: h.latent,
      mixSeed,
      mixLayer: h.mixLayer,
      controls,
    };
  }

  /** Bytes of the latest load arrived: the placeholder's bar and a blaze-face-progress. */
  progressed(fraction: number): void {
    if (!this.host.isConnected) return;
    this.progress = fraction;
    this.host.requestUpdate();
    emit(this.host, 'blaze-face-progress', { fraction });
  }

  private shown(): void {
    if (!this.hasFace) {
      this.hasFace = true;
      this.host.requestUpdate();
    }
    this.paint();
  }

  private observeCanvas(): void {
    const canvas = this.o.canvas();
    if (this.resize || !canvas || !this.host.isConnected) return;
    this.resize = new ResizeObserver(() => {
      this.canvasSize = null; // measured again by the next paint
      this.paint();
    });
    this.resize.observe(canvas);
  }

  /**
   * Copies the face into the visible canvas at its CSS size x devicePixelRatio. The size is measured once per
   * resize, not per face: reading clientWidth would force a layout in every animation frame.
   */
  private paint(): void {
    const c = this.o.canvas();
    if (!c || !this.hasFace) return;
    if (!this.canvasSize || this.canvasSize.dpr !== devicePixelRatio) {
      this.canvasSize = {
        w: Math.max(1, Math.round(c.clientWidth * devicePixelRatio)),
        h: Math.max(1, Math.round(c.clientHeight * devicePixelRatio)),
        dpr: devicePixelRatio,
      };
    }
    const { w, h } = this.canvasSize;
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

  /**
   * The page's GPU device was lost: a warning, and another once the generator runs again (the face is then made
   * again, and the camera's faces); the fatal `device-lost` only when no backend took over (the last face stays).
   */
  private deviceLost(e: DeviceLossEvent): void {
    if (e.phase === 'failed') {
      this.fail('device-lost', e.message);
      return;
    }
    emit(this.host, 'blaze-face-warning', {
      type: e.phase === 'lost' ? 'gpu-device-lost' : 'gpu-device-restored',
      message: e.message,
    });
    if (e.phase === 'restored') {
      this.request();
      this.o.deviceRestored();
    }
  }

  private fail(type: BlazeFaceErrorType, message: string): void {
    emitError(this.host, type, message);
  }
}

const ATTRIBUTE_NAMES = { mixLayer: 'mix-layer', control: controlAttribute, E: AttributeError };

/** What to generate for face `slot` of a request. Throws AttributeError when the attributes do not fit the model. */
function generateRequest(spec: FaceSpec, generator: Generator, slot: number): GenerateRequest {
  const { latent, seed } = spec;
  const choice = {
    latent: latent !== null && slot === 0 ? (zDim: number) => parseLatent(latent, zDim) : null,
    seed: seed instanceof AttributeError ? seed : (seed + slot) >>> 0,
    truncation: spec.truncation,
    mixSeed: spec.mixSeed,
    mixLayer: spec.mixLayer,
    controls: spec.controls,
  };
  return faceRequest(generator.manifest, choice, ATTRIBUTE_NAMES);
}
