// Headless Chromium from the system (CHROME_PATH or /usr/bin/chromium), with SwiftShader WebGPU; no network.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { buildClip } from './scripts/fake-camera.mjs';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Chromium's fake camera, playing a Y4M clip made from a real photo (scripts/fake-camera.mjs). */
export const fakeCameraArgs = (clip) => [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${buildClip(clip)}`,
];

const chromium = (extraArgs = []) =>
  chromeLauncher({
    launchOptions: {
      executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
    },
  });

/** Camera test files, each in its own group (named for the file) whose fake camera plays its clip. */
const CAMERA_GROUPS = {
  'test/camera.test.ts': 'one-face',
  'test/camera-faces.test.ts': 'three-faces',
  'test/camera-lens.test.ts': 'turning-face',
  'test/camera-mouth.test.ts': 'open-mouth',
};

export default {
  // Camera tests need a browser whose fake camera plays their clip: they run in their own group.
  files: ['test/*.test.ts', ...Object.keys(CAMERA_GROUPS).map((f) => `!${f}`)],
  groups: Object.entries(CAMERA_GROUPS).map(([files, clip]) => ({
    name: files.replace(/^test\/|\.test\.ts$/g, ''),
    files,
    browsers: [chromium(fakeCameraArgs(clip))],
  })),
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 900000,
  testFramework: { config: { timeout: 120000, ...(process.env.WTR_GREP ? { grep: process.env.WTR_GREP } : {}) } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' })],
  browsers: [chromium()],
};
