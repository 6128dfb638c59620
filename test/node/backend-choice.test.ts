// `auto` ranks a software-rendered GPU after wasm: the classification of renderer strings and adapter info, and
// the order chooseBackend (and chooseAfterLoss, after a lost GPU device) tries backends in, on a fake machine (no
// browser, no GPU).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BackendUnavailableError,
  chooseAfterLoss,
  chooseBackend,
  type BackendMachine,
} from '../../src/core/backend.js';
import { isSoftwareAdapter, isSoftwareRenderer, type GpuProbe } from '../../src/core/backend-probe.js';
import type { BackendName } from '../../src/core/defaults.js';

// The renderer Chromium reports with --use-angle=swiftshader (as in web-test-runner.config.mjs).
const SWIFTSHADER_GL = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';

test('isSoftwareRenderer: software rasterisers by their renderer strings', () => {
  for (const s of [
    SWIFTSHADER_GL,
    'Google SwiftShader',
    'llvmpipe (LLVM 15.0.6, 256 bits)',
    'ANGLE (Mesa, llvmpipe (LLVM 15.0.6 256 bits), OpenGL 4.5)',
    'Mesa softpipe',
    'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'Apple Software Renderer',
  ])
    assert.equal(isSoftwareRenderer(s), true, s);
});

test('isSoftwareRenderer: GPUs, and a masked renderer, are not software', () => {
  for (const s of [
    'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
    'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)',
    'Adreno (TM) 730',
    'Mali-G78',
    'WebKit WebGL',
    '',
  ])
    assert.equal(isSoftwareRenderer(s), false, s);
});

test('isSoftwareAdapter: the fallback flag on the adapter or on its info, or a software name in the info', () => {
  // What Chromium's SwiftShader adapter reports (adapter.info), flag and name both.
  assert.equal(
    isSoftwareAdapter({
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
    }),
    true,
  );
  assert.equal(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' }), true, 'by name alone');
  assert.equal(
    isSoftwareAdapter({ vendor: '', architecture: '' }, true),
    true,
    'older browsers: the flag on the adapter',
  );
  assert.equal(
    isSoftwareAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }),
    true,
    'lavapipe',
  );
  assert.equal(isSoftwareAdapter({ description: 'Microsoft Basic Render Driver' }), true, 'WARP');
  assert.equal(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false }), false);
  assert.equal(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' }, false), false);
  assert.equal(
    isSoftwareAdapter({ vendor: '', architecture: '', device: '', description: '' }),
    false,
    'empty info is not evidence',
  );
  assert.equal(isSoftwareAdapter(undefined), false);
});

const GPU_HW: GpuProbe = { kind: 'hardware', detail: 'WebGPU adapter is a GPU (nvidia ampere)' };
const GPU_SW: GpuProbe = { kind: 'software', detail: 'WebGPU adapter is a software rasteriser (google swiftshader)' };
const GL_HW: GpuProbe = { kind: 'hardware', detail: 'WebGL renderer is a GPU (ANGLE (NVIDIA ...))' };
const GL_SW: GpuProbe = { kind: 'software', detail: `WebGL renderer is software (${SWIFTSHADER_GL})` };
const NONE = (api: string): GpuProbe => ({ kind: 'unavailable', detail: `no ${api}` });

/** A machine whose probes give these results and whose backends in `failing` fail to start; it records what was asked. */
function machine(gpu: GpuProbe, gl: GpuProbe, failing: BackendName[] = [], current: BackendName | null = null) {
  const log: string[] = [];
  const m: BackendMachine = {
    current: () => current,
    probeWebGPU: async () => (log.push('probe webgpu'), gpu),
    probeWebGL: () => (log.push('probe webgl'), gl),
    start: async (name) => (log.push(`start ${name}`), !failing.includes(name)),
  };
  return { m, log };
}

test('auto on a hardware WebGPU takes it without probing WebGL', async () => {
  const { m, log } = machine(GPU_HW, GL_HW);
  const c = await chooseBackend('auto', m);
  assert.deepEqual(c, { name: 'webgpu', reason: `auto: ${GPU_HW.detail}; chose webgpu` });
  assert.deepEqual(log, ['probe webgpu', 'start webgpu']);
});

test('auto: a hardware WebGPU that fails to start gives way to a hardware WebGL', async () => {
  const { m, log } = machine(GPU_HW, GL_HW, ['webgpu']);
  const c = await chooseBackend('auto', m);
  assert.equal(c.name, 'webgl');
  assert.equal(c.reason, `auto: ${GPU_HW.detail}; webgpu failed to initialise; ${GL_HW.detail}; chose webgl`);
  assert.deepEqual(log, ['probe webgpu', 'start webgpu', 'probe webgl', 'start webgl']);
});

test('auto: a software WebGPU ranks after a hardware WebGL', async () => {
  const { m, log } = machine(GPU_SW, GL_HW);
  assert.equal((await chooseBackend('auto', m)).name, 'webgl');
  assert.deepEqual(log, ['probe webgpu', 'probe webgl', 'start webgl']);
});

test("auto with both GPUs in software (this machine's browser) chooses wasm, and says why", async () => {
  const { m, log } = machine(GPU_SW, GL_SW);
  const c = await chooseBackend('auto', m);
  assert.deepEqual(c, { name: 'wasm', reason: `auto: ${GPU_SW.detail}; ${GL_SW.detail}; chose wasm` });
  assert.deepEqual(log, ['probe webgpu', 'probe webgl', 'start wasm'], 'neither GPU backend is started');
});

test('auto: when wasm fails, a software WebGPU, then a software WebGL, then cpu', async () => {
  let { m, log } = machine(GPU_SW, GL_SW, ['wasm']);
  assert.equal((await chooseBackend('auto', m)).name, 'webgpu');
  assert.deepEqual(
    log.filter((l) => l.startsWith('start')),
    ['start wasm', 'start webgpu'],
  );

  ({ m } = machine(GPU_SW, GL_SW, ['wasm', 'webgpu']));
  const gl = await chooseBackend('auto', m);
  assert.equal(gl.name, 'webgl');
  assert.match(gl.reason, /wasm failed to initialise; webgpu failed to initialise; chose webgl$/);

  ({ m, log } = machine(NONE('WebGPU'), NONE('WebGL'), ['wasm']));
  const cpu = await chooseBackend('auto', m);
  assert.deepEqual(cpu, { name: 'cpu', reason: 'auto: no WebGPU; no WebGL; wasm failed to initialise; chose cpu' });
  assert.deepEqual(
    log.filter((l) => l.startsWith('start')),
    ['start wasm', 'start cpu'],
    'unavailable GPUs are not tried',
  );
});

test('auto with nothing that starts rejects, saying what it found', async () => {
  const { m } = machine(GPU_SW, NONE('WebGL'), ['webgpu', 'wasm', 'cpu']);
  await assert.rejects(chooseBackend('auto', m), (e: Error) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.match(
      e.message,
      /^backend: expected one of webgpu, webgl, wasm, cpu to initialise, got none \(WebGPU adapter is a software rasteriser/,
    );
    return true;
  });
});

test("auto keeps the backend the page's own TensorFlow.js runs on, without probing or starting", async () => {
  const { m, log } = machine(GPU_HW, GL_HW, [], 'webgl');
  assert.deepEqual(await chooseBackend('auto', m), {
    name: 'webgl',
    reason: "auto: the page's TensorFlow.js already runs on webgl",
  });
  assert.deepEqual(log, []);
});

test('an explicit backend is honoured even on a software GPU, without probing', async () => {
  const { m, log } = machine(GPU_SW, GL_SW);
  assert.deepEqual(await chooseBackend('webgpu', m), { name: 'webgpu', reason: 'requested webgpu' });
  assert.deepEqual(log, ['start webgpu']);
  const failing = machine(GPU_SW, GL_SW, ['webgl']);
  await assert.rejects(chooseBackend('webgl', failing.m), /backend: expected "webgl" to initialise, got a failure/);
});

const LOST = 'the GPU device was lost (unknown)';

test('after a lost device: webgpu again on a new device, when one starts, without probing', async () => {
  const { m, log } = machine(GPU_HW, GL_HW, [], 'webgpu');
  assert.deepEqual(await chooseAfterLoss(m, LOST), {
    name: 'webgpu',
    reason: `${LOST}; webgpu started on a new device`,
  });
  assert.deepEqual(log, ['start webgpu']);
});

test('after a lost device with no new one: the usual order without WebGPU, ignoring the page backend', async () => {
  const hw = machine(GPU_HW, GL_HW, ['webgpu'], 'webgpu');
  assert.deepEqual(await chooseAfterLoss(hw.m, LOST), {
    name: 'webgl',
    reason: `${LOST}; no new WebGPU device; ${GL_HW.detail}; chose webgl`,
  });
  assert.deepEqual(hw.log, ['start webgpu', 'probe webgl', 'start webgl']);
  // This machine's browser: WebGL in software ranks after wasm.
  const sw = machine(GPU_SW, GL_SW, ['webgpu']);
  assert.equal((await chooseAfterLoss(sw.m, LOST)).name, 'wasm');
  assert.deepEqual(sw.log, ['start webgpu', 'probe webgl', 'start wasm']);
});

test('after a lost device with nothing that starts: rejects, saying so', async () => {
  const { m, log } = machine(GPU_HW, GL_HW, ['webgpu', 'webgl', 'wasm', 'cpu']);
  await assert.rejects(chooseAfterLoss(m, LOST), BackendUnavailableError);
  assert.deepEqual(log, ['start webgpu', 'probe webgl', 'start webgl', 'start wasm', 'start cpu']);
});
