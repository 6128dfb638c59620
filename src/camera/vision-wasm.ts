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

/** The tasks-vision wasm compiled, by URL (null: it could not be compiled ahead; tasks-vision then loads it). */
const compiled = new Map<string, Promise<WebAssembly.Module | null>>();
/** The task being made: tasks are made one at a time (see makeVisionTask). */
let making: Promise<unknown> = Promise.resolve();

function compiledWasm(url: string): Promise<WebAssembly.Module | null> {
  let m = compiled.get(url);
  if (!m) {
    m = fetch(url)
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((bytes) => WebAssembly.compile(bytes))
      .catch(() => {
        compiled.delete(url); // tasks-vision's own loading says what is wrong; a later task tries again
        return null;
      });
    compiled.set(url, m);
  }
  return m;
}

/**
 * Makes a tasks-vision task (`make` calls its createFromOptions with the fileset in `wasmBase`) from the wasm
 * compiled once per page. tasks-vision
 * compiles its 13 MB wasm for every task it makes, most of the time a task takes to make; it instantiates the
 * module it is given through the Emscripten `Module.instantiateWasm` hook, which it reads from `self.Module`. So
 * tasks are made one at a time, each with its own hook (tasks-vision makes them mostly on the main thread anyway).
 * A page with a `self.Module` of its own keeps it, and gets tasks-vision's own loading.
 */
export function makeVisionTask<T>(wasmBase: string, make: (fileset: VisionFileset) => Promise<T>): Promise<T> {
  const run = making.then(async () => {
    const fileset = await visionFileset(wasmBase);
    const wasm = await compiledWasm(fileset.wasmBinaryPath);
    const g = globalThis as { Module?: unknown };
    if (!wasm || g.Module !== undefined) return make(fileset);
    let fail: (e: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const hook = {
      instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) {
        WebAssembly.instantiate(wasm, imports).then(receive, fail); // Emscripten has no failure callback
        return {};
      },
    };
    g.Module = hook;
    try {
      return await Promise.race([make(fileset), failed]);
    } finally {
      if (g.Module === hook) delete g.Module; // tasks-vision clears it once read; not when it failed before
    }
  });
  making = run.catch(() => undefined);
  return run;
}

/** Lets the compiled wasm go (camera mode turned off): the next task compiles it again. */
export function releaseVisionWasm(): void {
  compiled.clear();
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
