// makeVisionTask: tasks-vision's tasks made from one compiled wasm module instead of compiling it for each.
import { expect } from '@esm-bundle/chai';
import { FaceDetector } from '@mediapipe/tasks-vision';
import { assets } from '../src/core/assets.js';
import { makeVisionTask, releaseVisionWasm, visionCanvas } from '../src/camera/vision-wasm.js';

const DETECTOR_URL = new URL('../models/mediapipe/face_detector.tflite', import.meta.url).href;

/**
 * Counts WebAssembly's compiling entry points while `run` runs: whether each instantiate got a compiled module or
 * a large module's bytes (tasks-vision's SIMD probe instantiates a few bytes of its own).
 */
async function countingWasm<T>(run: () => Promise<T>) {
  const W = WebAssembly as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const names = ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming'] as const;
  const originals = names.map((n) => W[n]!);
  const calls = { compile: 0, compileStreaming: 0, instantiateModule: 0, instantiateBytes: 0, instantiateStreaming: 0 };
  names.forEach((n, i) => {
    W[n] = function (...a: unknown[]) {
      if (n !== 'instantiate') calls[n]++;
      else if (a[0] instanceof WebAssembly.Module) calls.instantiateModule++;
      else if ((a[0] as ArrayBufferLike).byteLength > 1e6) calls.instantiateBytes++;
      return originals[i]!.apply(WebAssembly, a);
    };
  });
  try {
    return { result: await run(), calls };
  } finally {
    names.forEach((n, i) => (W[n] = originals[i]!));
  }
}

describe('tasks-vision tasks from one compiled wasm', () => {
  const detector = () =>
    makeVisionTask(assets.mediapipeWasm(), (fileset) =>
      FaceDetector.createFromOptions(fileset, {
        canvas: visionCanvas(),
        baseOptions: { modelAssetPath: DETECTOR_URL, delegate: 'CPU' },
        runningMode: 'IMAGE',
      }),
    );
  afterEach(releaseVisionWasm);

  it('compiles the wasm once for three tasks made together, each instantiated from the module', async () => {
    releaseVisionWasm();
    const { result: tasks, calls } = await countingWasm(() => Promise.all([detector(), detector(), detector()]));
    try {
      expect(calls).to.deep.equal({
        compile: 1,
        compileStreaming: 0,
        instantiateModule: 3,
        instantiateBytes: 0,
        instantiateStreaming: 0,
      });
      expect((globalThis as { Module?: unknown }).Module, 'no Emscripten hook left on the page').to.equal(undefined);
      // Each works on its own: a blank picture has no face.
      const blank = document.createElement('canvas');
      blank.width = blank.height = 128;
      for (const t of tasks) expect(t.detect(blank).detections).to.deep.equal([]);
    } finally {
      for (const t of tasks) t.close();
    }
  });

  it("leaves a page's own Emscripten Module alone: tasks-vision then loads the wasm itself", async () => {
    const g = globalThis as { Module?: unknown };
    // tasks-vision takes a page's self.Module as its module: one that only says where files are is harmless.
    const own = { locateFile: (f: string) => f };
    g.Module = own;
    try {
      const { result: task, calls } = await countingWasm(detector);
      task.close();
      expect(calls.instantiateModule, 'instantiated from our compiled module').to.equal(0);
      expect(calls.instantiateStreaming + calls.instantiateBytes, "tasks-vision's own loading").to.equal(1);
    } finally {
      delete g.Module;
    }
  });
});
