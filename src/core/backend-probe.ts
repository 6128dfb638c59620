/**
 * Is this machine's WebGPU adapter or WebGL renderer a real GPU, or a software rasteriser? Chrome falls back to
 * SwiftShader on blocklisted GPUs and GPU-less machines, and there the tfjs wasm backend is far faster than either
 * GPU backend, so `auto` ranks software GPUs after wasm. No DOM needed: works in a worker. No tfjs either.
 */

/** What a probe found: a GPU, a software rasteriser, or nothing usable; `detail` says what, for the reason text. */
export interface GpuProbe {
  kind: 'hardware' | 'software' | 'unavailable';
  detail: string;
}

/** The fields of GPUAdapterInfo we read; all optional, since browsers fill them unevenly. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

// SwiftShader (Chrome), llvmpipe / lavapipe / softpipe (Mesa), Microsoft Basic Render Driver (WARP, Windows),
// Apple Software Renderer, and renderers that call themselves "software".
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver|\bsoftware\b/i;

/** True when a WebGL renderer string (or any adapter string) names a software rasteriser. */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE.test(renderer);
}

/**
 * True when a WebGPU adapter is a software one: flagged as the fallback adapter (on the adapter in older
 * browsers, on its info in newer ones), or named as software in its info.
 */
export function isSoftwareAdapter(info: AdapterInfoLike | undefined, adapterIsFallback?: boolean): boolean {
  if (adapterIsFallback === true || info?.isFallbackAdapter === true) return true;
  if (!info) return false;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => !!s && isSoftwareRenderer(s));
}

/** The adapter's info as one short label, e.g. "google swiftshader". */
export function adapterLabel(info: AdapterInfoLike | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => !!s);
  return parts.length ? parts.join(' ') : 'no adapter info';
}

type Adapter = GPUAdapter & {
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
};

/**
 * The WebGPU adapter tfjs would get (it asks for high performance). The adapter is only read, never given a
 * device, and dropped on return.
 */
export async function probeWebGPU(powerPreference: GPUPowerPreference = 'high-performance'): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: GPU }) | undefined)?.gpu;
  if (!gpu) return { kind: 'unavailable', detail: 'no WebGPU' };
  let adapter: Adapter | null;
  try {
    adapter = (await gpu.requestAdapter({ powerPreference })) as Adapter | null;
  } catch (e) {
    return { kind: 'unavailable', detail: `WebGPU adapter request failed (${(e as Error).message})` };
  }
  if (!adapter) return { kind: 'unavailable', detail: 'no WebGPU adapter' };
  let info: AdapterInfoLike | undefined = adapter.info;
  // Browsers before `adapter.info` (Chrome < 127) had requestAdapterInfo() instead.
  if (!info && typeof adapter.requestAdapterInfo === 'function')
    info = await adapter.requestAdapterInfo().catch(() => undefined);
  const fallback = adapter.isFallbackAdapter === true || info?.isFallbackAdapter === true;
  const label = adapterLabel(info) + (fallback ? ', fallback adapter' : '');
  return isSoftwareAdapter(info, adapter.isFallbackAdapter)
    ? { kind: 'software', detail: `WebGPU adapter is a software rasteriser (${label})` }
    : { kind: 'hardware', detail: `WebGPU adapter is a GPU (${label})` };
}

type GL = WebGLRenderingContext | WebGL2RenderingContext;

/**
 * The WebGL renderer string of a throwaway context, which is lost again before returning so that it does not
 * count against the browser's limit on live contexts. A renderer that does not name software (or is masked) is
 * taken as a GPU: only evidence of software demotes WebGL.
 */
export function probeWebGL(): GpuProbe {
  let gl: GL | null = null;
  try {
    const doc = (globalThis as { document?: Document }).document;
    const canvas: HTMLCanvasElement | OffscreenCanvas | null = doc
      ? doc.createElement('canvas')
      : typeof OffscreenCanvas === 'function'
        ? new OffscreenCanvas(1, 1)
        : null;
    if (!canvas) return { kind: 'unavailable', detail: 'no WebGL (no canvas here)' };
    gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as GL | null;
    if (!gl) return { kind: 'unavailable', detail: 'no WebGL' };
    // Firefox has dropped the debug extension and reports a sanitised renderer as RENDERER instead.
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    if (!renderer) return { kind: 'hardware', detail: 'WebGL renderer unknown, taken as a GPU' };
    return isSoftwareRenderer(renderer)
      ? { kind: 'software', detail: `WebGL renderer is software (${renderer})` }
      : { kind: 'hardware', detail: `WebGL renderer is a GPU (${renderer})` };
  } catch (e) {
    return { kind: 'unavailable', detail: `WebGL probe failed (${(e as Error).message})` };
  } finally {
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
