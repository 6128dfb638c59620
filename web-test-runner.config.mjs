// Every browser test file runs in Chromium, Firefox ESR and WebKitGTK (scripts/browsers.mjs; BLAZE_ENGINES picks
// fewer), all from apt, with no network. A test that cannot run in an engine skips itself and says why
// (test/engine.ts). The camera files that play a photo clip need Chromium's fake camera: they run there only.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';
import { CHROMIUM_ARGS, ENGINES, chromium, engineBrowsers, fakeCameraArgs } from './scripts/browsers.mjs';
import { sessionReport } from './scripts/session-report.mjs';

export { CHROMIUM_ARGS, fakeCameraArgs };

/** Camera test files, each in its own group (named for the file) whose fake camera plays its clip. */
const CAMERA_GROUPS = {
  'test/camera.test.ts': 'one-face',
  'test/camera-faces.test.ts': 'three-faces',
  'test/camera-group.test.ts': 'group-small',
  'test/camera-lens.test.ts': 'turning-face',
  'test/camera-mouth.test.ts': 'open-mouth',
  'test/camera-2d.test.ts': 'turning-face',
  'test/camera-steady.test.ts': 'still-face',
  'test/camera-lag.test.ts': 'sliding-face',
  'test/camera-likeness.test.ts': 'still-face',
  'test/lens-fit.test.ts': 'still-face',
};

/**
 * Every engine's browser in the default group has a fake or mock camera (Chromium's without a clip), so that
 * test/camera-engines.test.ts runs there, in one browser per engine for the run (a run with a second WebKit browser,
 * for a group of its own, once lost that browser's session).
 */
const CHROMIUM_FAKE_CAMERA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** The strict policy test/csp.test.ts holds the element to: no inline script or style, wasm allowed. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/** Serves the pages under test/pages/csp* with STRICT_CSP as a response header, as a strict site would. */
const strictCsp = (ctx, next) => {
  if (/^\/test\/pages\/csp[\w-]*\.html$/.test(ctx.path)) ctx.set('Content-Security-Policy', STRICT_CSP);
  return next();
};

export default {
  // Camera tests need a browser whose fake camera plays their clip: they run in their own group.
  files: ['test/*.test.ts', ...Object.keys(CAMERA_GROUPS).map((f) => `!${f}`)],
  groups: ENGINES.includes('chromium')
    ? Object.entries(CAMERA_GROUPS).map(([files, clip]) => ({
        name: files.replace(/^test\/|\.test\.ts$/g, ''),
        files,
        browsers: [chromium(fakeCameraArgs(clip))],
      }))
    : [],
  nodeResolve: true,
  middleware: [strictCsp],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 900000,
  testFramework: { config: { timeout: 120000, ...(process.env.WTR_GREP ? { grep: process.env.WTR_GREP } : {}) } },
  // scripts/test-web.mjs asks for a report of each session's outcome, to rerun the files of a browser that crashed.
  reporters: [
    defaultReporter(),
    ...(process.env.BLAZE_SESSION_REPORT ? [sessionReport(process.env.BLAZE_SESSION_REPORT)] : []),
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), a11ySnapshotPlugin()],
  browsers: engineBrowsers(CHROMIUM_FAKE_CAMERA),
};
