// The probes `auto` runs before it trusts a GPU backend. In Chromium, WebGPU and WebGL both run on SwiftShader
// whatever the machine's GPU: scripts/browsers.mjs forces it (--use-webgpu-adapter=swiftshader,
// --use-angle=swiftshader), and the probes must name it. The test machine has no GPU, so in every engine each probe
// must find either nothing or software. No model is loaded: the tfjs backends are never started here.
import { expect } from '@esm-bundle/chai';
import { probeWebGL, probeWebGPU } from '../src/core/backend-probe.js';
import { ENGINE, hasWebGL, hasWebGPU } from './engine.js';
import { within } from './wait.js';

const SWIFTSHADER_ADAPTER = 'WebGPU adapter is a software rasteriser (google swiftshader, fallback adapter)';
const SWIFTSHADER_GL =
  /^WebGL renderer is software \(ANGLE \(Google, Vulkan [\d.]+ \(SwiftShader Device .*\), SwiftShader driver\)\)$/;

type Probe = { kind: string; detail: string };

/** What this engine's WebGPU probe must say on the test machine. */
function checkWebGPU(p: Probe, adapter: boolean): void {
  if (ENGINE === 'chromium') expect(p).to.deep.equal({ kind: 'software', detail: SWIFTSHADER_ADAPTER });
  else if (adapter) expect(p.kind, p.detail).to.equal('software');
  else expect(p.kind, p.detail).to.equal('unavailable');
}

/** Whether an OffscreenCanvas gives WebGL here (the context is lost again at once). */
function offscreenWebGL(): boolean {
  if (typeof OffscreenCanvas !== 'function') return false;
  const c = new OffscreenCanvas(1, 1);
  const gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGLRenderingContext | null;
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return gl !== null;
}

/** What this engine's WebGL probe must say on the test machine, where `gl`: a context could be made. */
function checkWebGL(p: Probe, gl: boolean): void {
  if (!gl) expect(p.kind, p.detail).to.equal('unavailable');
  else if (ENGINE === 'chromium') {
    expect(p.kind).to.equal('software');
    expect(p.detail).to.match(SWIFTSHADER_GL);
  } else if (ENGINE === 'webkit') {
    // WebKit names every renderer "Apple GPU", as Safari does; a masked renderer is taken as a GPU.
    expect(p).to.deep.equal({ kind: 'hardware', detail: 'WebGL renderer is a GPU (Apple GPU)' });
  } else expect(p.kind, p.detail).to.equal('software');
}

describe('backend probes', () => {
  it('find the WebGPU adapter to be software', async () => {
    const p = await probeWebGPU();
    console.log(`WebGPU probe in ${ENGINE}:`, p.detail);
    checkWebGPU(p, await hasWebGPU());
  });

  it('find the WebGL renderer to be software, and lose the context they made', async () => {
    const gl = hasWebGL();
    const made: unknown[] = []; // every context made, of whatever kind
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (
      this: HTMLCanvasElement,
      ...args: Parameters<typeof getContext>
    ) {
      const ctx = getContext.apply(this, args);
      if (ctx) made.push(ctx);
      return ctx;
    } as typeof getContext;
    let p;
    try {
      p = probeWebGL();
    } finally {
      HTMLCanvasElement.prototype.getContext = getContext;
    }
    console.log(`WebGL probe in ${ENGINE}:`, p.detail);
    checkWebGL(p, gl);
    // Where WebGL exists, the probe made one context and lost it again.
    if (gl) {
      expect(made).to.have.length(1);
      expect((made[0] as WebGLRenderingContext).isContextLost(), 'the probe context is released').to.equal(true);
    }
  });

  it('work in a worker, with no document', async () => {
    const worker = new Worker(new URL('./backend-probe-worker.ts', import.meta.url), { type: 'module' });
    try {
      const reply = new Promise<{
        hasDocument: boolean;
        webgpu: { kind: string; detail: string };
        webgl: { kind: string; detail: string };
      }>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
      });
      const got = await within(reply, 30000, "the worker's probe results");
      expect(got.hasDocument).to.equal(false);
      checkWebGPU(got.webgpu, await hasWebGPU());
      // A worker's WebGL is an OffscreenCanvas's, which an engine may lack where its pages have WebGL (WebKitGTK).
      checkWebGL(got.webgl, offscreenWebGL());
    } finally {
      worker.terminate();
    }
  });
});
