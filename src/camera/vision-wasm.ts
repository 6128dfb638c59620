/**
 * The tasks-vision runtime: its wasm fileset and the canvas it works on. The package ships only the SIMD build
 * (the other one doubles the tarball for browsers that predate WebGPU and wasm SIMD alike), so a browser without
 * SIMD gets a clear error instead of a 404 for the build it would ask for.
 */
import { FilesetResolver } from '@mediapipe/tasks-vision';
import { CameraError } from './camera-stream.js';

export interface VisionFileset {
  wasmLoaderPath: string;
  wasmBinaryPath: string;
}

export async function visionFileset(wasmBase: string): Promise<VisionFileset> {
  if (!(await FilesetResolver.isSimdSupported())) {
    throw new Error(
      'camera mode needs WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4 or later); this browser has none',
    );
  }
  const base = wasmBase.endsWith('/') ? wasmBase : `${wasmBase}/`;
  return { wasmLoaderPath: `${base}vision_wasm_internal.js`, wasmBinaryPath: `${base}vision_wasm_internal.wasm` };
}

/**
 * The canvas MediaPipe's tasks work on. They need WebGL2 even on the CPU delegate (each frame is uploaded as a
 * texture; on WebGL 1 tasks-vision 1.1.0 fails at the first frame), and they default to an OffscreenCanvas, which
 * some engines offer without WebGL (WebKitGTK): so an OffscreenCanvas only where it gives WebGL2, else a page
 * canvas. Throws CameraError where neither does, rather than failing in the first frame.
 */
export function visionCanvas(): HTMLCanvasElement | OffscreenCanvas {
  const candidates: (() => HTMLCanvasElement | OffscreenCanvas)[] = [];
  if (typeof OffscreenCanvas === 'function') candidates.push(() => new OffscreenCanvas(1, 1));
  if (typeof document !== 'undefined') candidates.push(() => document.createElement('canvas'));
  for (const make of candidates) {
    if (givesWebGL2(make())) return make();
  }
  throw new CameraError(
    'camera-unavailable',
    "camera mode needs WebGL2 for MediaPipe's face tracking, which this browser does not provide (faces without the camera still work)",
  );
}

/** Whether a WebGL2 context can be had on this kind of canvas; the probe's context is lost again at once. */
function givesWebGL2(canvas: HTMLCanvasElement | OffscreenCanvas): boolean {
  let gl: WebGL2RenderingContext | null;
  try {
    gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
  } catch {
    return false;
  }
  if (!gl) return false;
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return true;
}

/**
 * Calls `onLost` when the WebGL context of a task's canvas is lost. MediaPipe does not rebuild its GL state on a
 * restore, so the task is of no more use: its owner makes a new one (see CameraPipeline).
 */
export function onContextLost(canvas: HTMLCanvasElement | OffscreenCanvas, onLost: () => void): void {
  (canvas as EventTarget).addEventListener('webglcontextlost', onLost, { once: true });
}
