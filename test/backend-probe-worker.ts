// A worker has no document: the probes must work from an OffscreenCanvas and navigator.gpu alone.
import { probeWebGL, probeWebGPU } from '../src/core/backend-probe.js';

void (async () => {
  postMessage({ hasDocument: 'document' in globalThis, webgpu: await probeWebGPU(), webgl: probeWebGL() });
})();
