/** The element's events: typed, bubbling and composed. */
import type { BackendName } from '../core/defaults.js';
import type { DrawPath } from '../core/face-pixels.js';
import type { CameraLikenessDetail, CameraTrackDetail } from '../camera/camera-pipeline.js';

export interface BlazeFaceLoadDetail {
  style: string;
  backend: BackendName;
  /** Why this backend: `requested <name>`, or under `auto` what each GPU turned out to be (a software one ranks after wasm). */
  backendReason: string;
  resolution: number;
  loadMs: number;
}
export interface BlazeFaceRenderDetail {
  /** From the request to the face drawn; on a GPU draw path, to the face submitted (the GPU may still be drawing). */
  ms: number;
  backend: BackendName;
  /** How the face reached the canvas: `cpu` (read back once, then putImageData), or without a read-back, `webgl` or `webgpu`. */
  draw: DrawPath;
}
export type BlazeFaceErrorType =
  | 'model-load'
  | 'invalid-attribute'
  | 'backend-unavailable'
  | 'device-lost'
  | 'camera-denied'
  | 'camera-unavailable'
  | 'face-model-load';
export interface BlazeFaceErrorDetail {
  type: BlazeFaceErrorType;
  message: string;
}
/**
 * Camera mode: the view's WebGL context was lost (tracking goes on, nothing is drawn) or restored (drawn again);
 * face tracking's WebGL context was lost (the view goes on without faces) and tracking was made again.
 */
export type BlazeFaceWarningType =
  'webgl-context-lost' | 'webgl-context-restored' | 'tracking-context-lost' | 'tracking-restored';
export interface BlazeFaceWarningDetail {
  type: BlazeFaceWarningType;
  message: string;
}
export interface BlazeFaceProgressDetail {
  /** fraction of the model's weight bytes received, 0..1 */
  fraction: number;
}

/**
 * Camera mode, after each processed frame: the pipeline's own report, passed on as it is. `faces[].id` stays with
 * a face while it moves; `box` is in video pixels of the captured (unmirrored) frame; `overlaid` once its generated
 * face is drawn over it. `frameMs` is the main-thread time of the frame (detection + tracking + compositing).
 * `compositor` says what draws the view: `webgl2`, or `2d` where its canvas gets no WebGL2 context (slower, and
 * the lens takes no lighting from the frame).
 */
export type BlazeFaceTrackDetail = CameraTrackDetail;

/**
 * Camera mode with `likeness`: a tracked face was measured, once: `{id, skinTone: '#rrggbb', hairColor: '#rrggbb' |
 * null, faceWidth}` (0 narrow .. 1 wide). Its generated face is made again with them, where the style has those
 * controls. Only colours and shape that the user can see and change; no image is kept.
 */
export type BlazeFaceLikenessDetail = CameraLikenessDetail;

export type BlazeFaceLoadEvent = CustomEvent<BlazeFaceLoadDetail>;
export type BlazeFaceRenderEvent = CustomEvent<BlazeFaceRenderDetail>;
export type BlazeFaceErrorEvent = CustomEvent<BlazeFaceErrorDetail>;
export type BlazeFaceProgressEvent = CustomEvent<BlazeFaceProgressDetail>;
export type BlazeFaceTrackEvent = CustomEvent<BlazeFaceTrackDetail>;
export type BlazeFaceWarningEvent = CustomEvent<BlazeFaceWarningDetail>;
export type BlazeFaceLikenessEvent = CustomEvent<BlazeFaceLikenessDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'blaze-face-load': BlazeFaceLoadEvent;
    'blaze-face-render': BlazeFaceRenderEvent;
    'blaze-face-error': BlazeFaceErrorEvent;
    'blaze-face-progress': BlazeFaceProgressEvent;
    'blaze-face-track': BlazeFaceTrackEvent;
    'blaze-face-warning': BlazeFaceWarningEvent;
    'blaze-face-likeness': BlazeFaceLikenessEvent;
  }
}

export function emit<
  K extends
    | 'blaze-face-load'
    | 'blaze-face-render'
    | 'blaze-face-error'
    | 'blaze-face-progress'
    | 'blaze-face-track'
    | 'blaze-face-warning'
    | 'blaze-face-likeness',
>(target: EventTarget, name: K, detail: GlobalEventHandlersEventMap[K]['detail']): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

/** A `blaze-face-error`: something was wrong, and the element keeps its last good face. */
export function emitError(target: EventTarget, type: BlazeFaceErrorType, message: string): void {
  emit(target, 'blaze-face-error', { type, message });
}
