/**
 * The element's events: typed, bubbling and composed. What each means, its detail and its error and warning types
 * are documented once, in BlazeFaceElement's JSDoc (blaze-face.component.ts, and custom-elements.json from it).
 */
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
export type BlazeFaceWarningType =
  | 'webgl-context-lost'
  | 'webgl-context-restored'
  | 'tracking-context-lost'
  | 'tracking-restored'
  | 'gpu-device-lost'
  | 'gpu-device-restored';
export interface BlazeFaceWarningDetail {
  type: BlazeFaceWarningType;
  message: string;
}
export interface BlazeFaceProgressDetail {
  /** fraction of the model's weight bytes received, 0..1 */
  fraction: number;
}

/** The camera pipeline's own report of each frame, passed on as it is. */
export type BlazeFaceTrackDetail = CameraTrackDetail;

/** The camera pipeline's likeness of a tracked face, passed on as it is. */
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
