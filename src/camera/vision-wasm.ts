/**
 * The tasks-vision wasm fileset. The package ships only the SIMD build (the other one doubles the tarball for
 * browsers that predate WebGPU and wasm SIMD alike), so a browser without SIMD gets a clear error instead of a
 * 404 for the build it would ask for.
 */
import { FilesetResolver } from '@mediapipe/tasks-vision';

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
