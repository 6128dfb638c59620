/**
 * One TensorFlow.js backend for the page, chosen once, and only that backend's module loaded (by dynamic import).
 * `auto` takes the fastest real one: a hardware WebGPU, then a hardware WebGL, then wasm, and only then WebGPU or
 * WebGL on a software rasteriser (src/core/backend-probe.ts), then cpu. Models and tensors belong to the backend
 * that made them, so every element on a page shares it.
 *
 * A lost WebGPU device is recovered from: the dead backend goes, a new one starts on a new device (else the next in
 * the usual order: WebGL, wasm, cpu), and the steps registered with onBackendReplaced (the model registry's) move
 * their tensors to it, before onDeviceLost's listeners hear that it was restored.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, type BackendName, type BackendPreference } from './defaults.js';
import { probeWebGL, probeWebGPU, type GpuProbe } from './backend-probe.js';
import { assets } from './assets.js';

export { isSoftwareAdapter, isSoftwareRenderer } from './backend-probe.js';

export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

/** The backend in use, and why: e.g. "auto: WebGPU adapter is a software rasteriser (google swiftshader); ...; chose wasm". */
export interface BackendChoice {
  name: BackendName;
  reason: string;
}

/** What choosing a backend needs of the machine: the probes, and starting a backend. Injected by tests. */
export interface BackendMachine {
  probeWebGPU(): Promise<GpuProbe>;
  probeWebGL(): GpuProbe;
  /** Loads the backend's module and makes it tfjs's backend; false when it fails to initialise. */
  start(name: BackendName): Promise<boolean>;
  /** The backend the page's own TensorFlow.js code already set, if any (the bundler build shares tfjs with the app). */
  current(): BackendName | null;
}

let active: Promise<BackendChoice> | null = null;
/** The choice in force once settled: the first, or the one a recovery made. */
let settled: BackendChoice | null = null;
let wasmBase: string | null = null;
let wasmThreads: number | null = null;
let readWasmThreads: (() => number) | null = null;

/**
 * Where the tfjs wasm binaries are served from (default: dist/wasm/ under the asset base). Applied when the wasm
 * backend's module is loaded, so it must be set before the page's backend is chosen.
 */
export function configureWasm(base: string): void {
  wasmBase = base.endsWith('/') ? base : `${base}/`;
}

/**
 * How many threads the wasm backend runs on where the page is cross-origin isolated (where it is not, tfjs takes its
 * single-threaded SIMD build and this does nothing); at most 8, the workers tfjs starts. `null`, the default, leaves
 * it to tfjs: half the logical cores. Applied when the wasm backend starts, so it must be set before the page's
 * backend is chosen.
 */
export function setWasmThreads(count: number | null): void {
  if (count !== null && !(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`wasm threads: expected an integer >= 1 or null, got ${String(count)}`);
  }
  wasmThreads = count;
}

/**
 * The threads the wasm backend runs on: 1 where the page is not cross-origin isolated (tfjs's single-threaded SIMD
 * build), else the count set or tfjs's default. Null while the wasm backend has not started.
 */
export function wasmThreadsInUse(): number | null {
  try {
    return readWasmThreads?.() ?? null;
  } catch {
    return null; // tfjs throws until its wasm backend is initialised
  }
}

/**
 * tfjs's WebGL context, made here rather than by tfjs so that its drawing buffer has a premultiplied alpha channel:
 * with it a face is drawn from the GPU to the element's canvas without a read-back (src/core/face-pixels.ts). The
 * other attributes are tfjs's own; tfjs never draws to this buffer, it renders to textures. Where WebGL2 is missing,
 * tfjs makes its context as usual.
 */
function provideWebGLContext(setWebGLContext: (version: number, gl: WebGLRenderingContext) => void): void {
  const env = tf.env();
  const flag = (name: string) => {
    try {
      return env.getBool(name);
    } catch {
      return false;
    }
  };
  let canvas: OffscreenCanvas | HTMLCanvasElement;
  // As tfjs does: Safari's OffscreenCanvas lacks the fences tfjs's WebGL backend uses.
  if (typeof OffscreenCanvas !== 'undefined' && !flag('IS_SAFARI')) canvas = new OffscreenCanvas(300, 150);
  else if (typeof document !== 'undefined') canvas = document.createElement('canvas');
  else return;
  const gl = canvas.getContext('webgl2', {
    alpha: true,
    premultipliedAlpha: true,
    antialias: false,
    preserveDrawingBuffer: false,
    depth: false,
    stencil: false,
    failIfMajorPerformanceCaveat: !flag('SOFTWARE_WEBGL_ENABLED'),
  }) as WebGL2RenderingContext | null;
  if (!gl) return;
  canvas.addEventListener('webglcontextlost', (e) => e.preventDefault(), false);
  setWebGLContext(2, gl);
}

/** Each backend's module, loaded on first use only: a page downloads the backend it runs on and no other. */
const BACKEND_MODULES: Record<BackendName, () => Promise<unknown>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: async () => {
    const webgl = await import('@tensorflow/tfjs-backend-webgl');
    // Only before tfjs has made its WebGL backend (tf.findBackend would make it).
    if (!(tf.engine() as unknown as { registry: Record<string, unknown> }).registry.webgl)
      provideWebGLContext(webgl.setWebGLContext);
  },
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBase ?? assets.tfjsWasm()); // not tfjs's default: beside its own module, which a bundle moves
    if (wasmThreads !== null) wasm.setThreadsCount(wasmThreads);
    readWasmThreads = wasm.getThreadsCount;
  },
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

async function startBackend(name: BackendName): Promise<boolean> {
  if (name === 'webgpu' && !(globalThis.navigator as Navigator & { gpu?: unknown })?.gpu) return false;
  try {
    await BACKEND_MODULES[name]();
    if (name === 'wasm' && wasmThreads !== null)
      return await withLogicalCores(2 * wasmThreads, () => tf.setBackend(name));
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Runs `start` while navigator.hardwareConcurrency reads at least `cores`. tfjs's wasm build caps its threads at
 * half the logical cores (it assumes two hardware threads per core), read once as its module starts: without this,
 * setWasmThreads(2) on a 2-core machine, or a phone's cores, would still give fewer threads than asked for.
 */
async function withLogicalCores<T>(cores: number, start: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav || nav.hardwareConcurrency >= cores) return start();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
  }
}

/** tfjs's active backend, read without starting one (tf.getBackend() would initialise the best registered). */
function currentBackend(): BackendName | null {
  const name = (tf.engine() as unknown as { backendName: string | null }).backendName;
  return (BACKENDS as readonly string[]).includes(name ?? '') ? (name as BackendName) : null;
}

const browserMachine: BackendMachine = {
  probeWebGPU: () => probeWebGPU(),
  probeWebGL,
  start: startBackend,
  current: currentBackend,
};

/**
 * Starts the backend asked for, or under `auto` the one the page's TensorFlow.js already runs on, else the first
 * that initialises of: hardware WebGPU, hardware WebGL, wasm, software WebGPU, software WebGL, cpu. Each GPU API is probed only when it is next in line. Rejects with
 * BackendUnavailableError when nothing (or the named backend) initialises.
 */
export async function chooseBackend(pref: BackendPreference, machine: BackendMachine): Promise<BackendChoice> {
  if (pref !== 'auto') {
    if (await machine.start(pref)) return { name: pref, reason: `requested ${pref}` };
    throw new BackendUnavailableError(
      `backend: expected "${pref}" to initialise, got a failure (is it supported by this browser?)`,
    );
  }
  // An app that runs TensorFlow.js itself has chosen already: switching would move its tensors to another backend.
  const current = machine.current();
  if (current !== null) return { name: current, reason: `auto: the page's TensorFlow.js already runs on ${current}` };
  const notes: string[] = [];
  const chose = (name: BackendName): BackendChoice => ({
    name,
    reason: `auto: ${[...notes, `chose ${name}`].join('; ')}`,
  });
  const tryStart = async (name: BackendName): Promise<boolean> => {
    if (await machine.start(name)) return true;
    notes.push(`${name} failed to initialise`);
    return false;
  };
  const gpu = await machine.probeWebGPU();
  notes.push(gpu.detail);
  if (gpu.kind === 'hardware' && (await tryStart('webgpu'))) return chose('webgpu');
  const gl = machine.probeWebGL();
  notes.push(gl.detail);
  if (gl.kind === 'hardware' && (await tryStart('webgl'))) return chose('webgl');
  if (await tryStart('wasm')) return chose('wasm');
  if (gpu.kind === 'software' && (await tryStart('webgpu'))) return chose('webgpu');
  if (gl.kind === 'software' && (await tryStart('webgl'))) return chose('webgl');
  if (await tryStart('cpu')) return chose('cpu');
  throw new BackendUnavailableError(
    `backend: expected one of ${BACKENDS.join(', ')} to initialise, got none (${notes.join('; ')})`,
  );
}

/** A device this module lets go of itself: its `lost` is no loss to recover from. */
const retired = new WeakSet<GPUDevice>();
/** The device of the webgpu backend in use, watched for loss. */
let watched: GPUDevice | null = null;
/** Losses seen so far; a face request notes the count, to tell a failure that a loss explains (lostSince). */
let losses = 0;
/** The recovery under way: resolves once the new backend runs and every step has moved to it. */
let recovering: Promise<void> | null = null;

/** What onDeviceLost's listeners hear: the loss, then its recovery (`restored`) or that none was possible (`failed`). */
export type DeviceLossEvent =
  | { phase: 'lost'; message: string }
  | { phase: 'restored'; message: string; backend: BackendChoice }
  | { phase: 'failed'; message: string };

const lossListeners = new Set<(event: DeviceLossEvent) => void>();
const replacedSteps = new Set<() => void | Promise<void>>();

function watchDeviceLoss(name: BackendName): void {
  watched = null;
  if (name !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return;
  watched = device;
  // `lost` only ever resolves.
  void device.lost.then((info) => {
    if (retired.has(device)) return; // our own teardown
    losses++;
    const message = `the GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
    const previous = recovering ?? Promise.resolve();
    const recovery = previous.then(() => recover(device, message));
    recovering = recovery;
    void recovery.finally(() => {
      if (recovering === recovery) recovering = null;
    });
  });
}

/**
 * A webgpu backend on a new adapter and device: the factory registered after a loss. The same device features and
 * limits as tfjs asks for (its kernels size their workgroups and buffers by them).
 */
async function freshWebGPUBackend(): Promise<tf.KernelBackend> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const gpu = (navigator as Navigator & { gpu: GPU }).gpu;
  const lowPower = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU');
  const adapter = await gpu.requestAdapter({ powerPreference: lowPower ? 'low-power' : 'high-performance' });
  if (!adapter) throw new Error('WebGPU: expected an adapter, got none');
  const wanted: GPUFeatureName[] = ['timestamp-query', 'bgra8unorm-storage'];
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: wanted.filter((f) => adapter.features.has(f)),
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  try {
    return new WebGPUBackend(device, adapter.info);
  } catch (e) {
    retired.add(device);
    device.destroy();
    throw e;
  }
}

/** Starts webgpu again on a new device: the dead backend (and its buffers) goes first. */
async function restartWebGPU(): Promise<boolean> {
  try {
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', freshWebGPUBackend, 3);
    return await tf.setBackend('webgpu');
  } catch {
    return false;
  }
}

/**
 * The backend after a loss: webgpu again on a new device, else the first of the usual order without WebGPU
 * (hardware WebGL, wasm, software WebGL, cpu; chooseBackend's `auto`). Rejects with BackendUnavailableError when
 * none starts.
 */
export async function chooseAfterLoss(machine: BackendMachine, message: string): Promise<BackendChoice> {
  if (await machine.start('webgpu')) return { name: 'webgpu', reason: `${message}; webgpu started on a new device` };
  const withoutWebGPU: BackendMachine = {
    probeWebGPU: async () => ({ kind: 'unavailable', detail: 'no new WebGPU device' }),
    probeWebGL: () => machine.probeWebGL(),
    start: (name) => (name === 'webgpu' ? Promise.resolve(false) : machine.start(name)),
    current: () => null,
  };
  const choice = await chooseBackend('auto', withoutWebGPU);
  return { name: choice.name, reason: `${message}; ${choice.reason.replace(/^auto: /, '')}` };
}

const recoveryMachine: BackendMachine = {
  ...browserMachine,
  start: (name) => (name === 'webgpu' ? restartWebGPU() : startBackend(name)),
};

async function recover(dead: GPUDevice, message: string): Promise<void> {
  for (const l of lossListeners) l({ phase: 'lost', message });
  let choice: BackendChoice;
  const chosen = chooseAfterLoss(recoveryMachine, message).then(async (c) => {
    await tf.ready();
    return c;
  });
  active = chosen;
  try {
    choice = await chosen;
    watchDeviceLoss(choice.name);
    // The dead backend's buffers went with it (tf.removeBackend); the device itself is let go of too.
    retired.add(dead);
    dead.destroy();
    for (const step of replacedSteps) await step();
  } catch (e) {
    if (active === chosen) active = null; // a later request tries again
    settled = null;
    for (const l of lossListeners)
      l({ phase: 'failed', message: `${message}, and the generator could not run again: ${(e as Error).message}` });
    return;
  }
  settled = choice;
  for (const l of lossListeners)
    l({ phase: 'restored', message: `${message}; the generator runs again on ${choice.name}`, backend: choice });
}

/**
 * Hears each loss of the GPU device under the page's backend (webgpu only): `lost`, then `restored` once the
 * generator runs again (on a new device, or on the next backend in the usual order), or `failed`.
 */
export function onDeviceLost(listener: (event: DeviceLossEvent) => void): () => void {
  lossListeners.add(listener);
  return () => lossListeners.delete(listener);
}

/**
 * A step of every recovery, run once the new backend is active and before `restored` is heard: the model registry
 * moves its weights there. A step that throws makes the recovery `failed`.
 */
export function onBackendReplaced(step: () => void | Promise<void>): () => void {
  replacedSteps.add(step);
  return () => replacedSteps.delete(step);
}

/** Resolves once no recovery is under way: what is made on the backend after it lands on the new one. */
export async function backendSettled(): Promise<void> {
  while (recovering) await recovering;
}

/** How many losses of the GPU device the page has seen: noted by a request, for lostSince. */
export function deviceLosses(): number {
  return losses;
}

/**
 * Whether a loss of the GPU device explains a failure of work begun when deviceLosses() read `since`: a loss seen
 * since then or being recovered from, or one the device reports within `ms` (its `lost` may settle after the failed
 * read-back that it caused).
 */
export async function lostSince(since: number, ms = 250): Promise<boolean> {
  if (losses !== since || recovering) return true;
  const device = watched;
  if (!device) return false;
  const lost = await Promise.race([
    device.lost.then(() => !retired.has(device)),
    new Promise<false>((r) => setTimeout(() => r(false), ms)),
  ]);
  return lost || losses !== since;
}

/** The backend in use now (after a recovery, the new one), or null before one is chosen. */
export function backendInUse(): BackendChoice | null {
  return settled;
}

/**
 * Resolves to the backend in use and why it was chosen (see chooseBackend). An explicit name must initialise or
 * the promise rejects with BackendUnavailableError. The first call decides for the page; a later explicit request
 * for another backend is refused with a message that says so.
 */
export function ensureBackend(pref: BackendPreference): Promise<BackendChoice> {
  if (active) {
    return active.then((choice) => {
      if (pref !== 'auto' && pref !== choice.name) {
        throw new BackendUnavailableError(
          `backend: expected "${choice.name}" (the page's backend, chosen first) or "auto", got "${pref}"`,
        );
      }
      return choice;
    });
  }
  const choice = (async () => {
    const chosen = await chooseBackend(pref, browserMachine);
    await tf.ready();
    watchDeviceLoss(chosen.name);
    settled = chosen;
    return chosen;
  })();
  active = choice;
  choice.catch(() => {
    if (active === choice) active = null; // let a later request try again
  });
  return choice;
}
