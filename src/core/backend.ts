/**
 * One TensorFlow.js backend for the page, chosen once: webgpu -> webgl -> wasm -> cpu, or as asked.
 * Models and tensors belong to the backend that made them, so every element on a page shares it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKENDS, type BackendName, type BackendPreference } from './defaults.js';

export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

let active: Promise<BackendName> | null = null;
const lostListeners = new Set<(message: string) => void>();

/** Where the tfjs wasm binaries are served from (copied beside the bundle by the build). */
export function configureWasm(base: string): void {
  setWasmPaths(base.endsWith('/') ? base : `${base}/`);
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (name === 'webgpu' && !(globalThis.navigator as Navigator & { gpu?: unknown })?.gpu) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

function watchDeviceLoss(name: BackendName): void {
  if (name !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  device?.lost.then((info) => {
    if (info.reason === 'destroyed') return; // our own teardown
    const message = `the GPU device was lost (${info.reason}): ${info.message}`;
    for (const l of lostListeners) l(message);
  });
}

/**
 * Resolves to the backend in use. `auto` takes the first that initialises in BACKENDS order; an explicit
 * name must initialise or the promise rejects with BackendUnavailableError. The first call decides for the
 * page; a later explicit request for another backend is refused with a message that says so.
 */
export function ensureBackend(pref: BackendPreference): Promise<BackendName> {
  if (active) {
    return active.then((name) => {
      if (pref !== 'auto' && pref !== name) {
        throw new BackendUnavailableError(
          `backend: expected "${name}" (the page's backend, chosen first) or "auto", got "${pref}"`);
      }
      return name;
    });
  }
  const choice = (async () => {
    const order: readonly BackendName[] = pref === 'auto' ? BACKENDS : [pref];
    for (const name of order) {
      if (await tryBackend(name)) {
        await tf.ready();
        watchDeviceLoss(name);
        return name;
      }
    }
    throw new BackendUnavailableError(
      pref === 'auto' ? 'backend: expected one of webgpu, webgl, wasm, cpu to initialise, got none'
        : `backend: expected "${pref}" to initialise, got a failure (is it supported by this browser?)`);
  })();
  active = choice;
  choice.catch(() => {
    if (active === choice) active = null; // let a later request try again
  });
  return choice;
}

export function onDeviceLost(listener: (message: string) => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}
