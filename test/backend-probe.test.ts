// The probes `auto` runs before it trusts a GPU backend, in this browser, whose WebGPU and WebGL both run on
// SwiftShader whatever the machine's GPU: web-test-runner.config.mjs forces it (--use-webgpu-adapter=swiftshader,
// --use-angle=swiftshader). No model is loaded: the tfjs backends are never started here.
import { expect } from '@esm-bundle/chai';
import { probeWebGL, probeWebGPU } from '../src/core/backend-probe.js';
import { within } from './wait.js';

const SWIFTSHADER_ADAPTER = 'WebGPU adapter is a software rasteriser (google swiftshader, fallback adapter)';
const SWIFTSHADER_GL =
  /^WebGL renderer is software \(ANGLE \(Google, Vulkan [\d.]+ \(SwiftShader Device .*\), SwiftShader driver\)\)$/;

describe('backend probes', () => {
  it('find the WebGPU adapter to be software', async () => {
    const p = await probeWebGPU();
    console.log('WebGPU probe:', p.detail);
    expect(p).to.deep.equal({ kind: 'software', detail: SWIFTSHADER_ADAPTER });
  });

  it('find the WebGL renderer to be software, and lose the context they made', async () => {
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
    console.log('WebGL probe:', p.detail);
    expect(p.kind).to.equal('software');
    expect(p.detail).to.match(SWIFTSHADER_GL);
    expect(made).to.have.length(1);
    expect((made[0] as WebGLRenderingContext).isContextLost(), 'the probe context is released').to.equal(true);
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
      expect(got.webgpu).to.deep.equal({ kind: 'software', detail: SWIFTSHADER_ADAPTER });
      expect(got.webgl.kind).to.equal('software');
      expect(got.webgl.detail).to.match(SWIFTSHADER_GL);
    } finally {
      worker.terminate();
    }
  });
});
