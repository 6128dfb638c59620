// The browser the measuring scripts (bench, measure, measure-camera, soak, screenshot) run in: the repository
// served by @web/dev-server on a free port, and headless Chromium from the system (CHROME_PATH or
// /usr/bin/chromium) with the flags the browser tests use (web-test-runner.config.mjs), so that a script measures
// the same browser the tests check.
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, fakeCameraArgs } from '../web-test-runner.config.mjs';

export { fakeCameraArgs };

/** Chromium flags for numbers the scripts read: `performance.memory` not rounded, and `gc()` in the page. */
export const PRECISE_MEMORY_ARGS = ['--enable-precise-memory-info'];
export const EXPOSE_GC_ARGS = ['--js-flags=--expose-gc'];

/**
 * Serves the repository root (so pages load `/dist/...`, `/models/...`, `/demo/...`) on a port the system picks,
 * which lets two scripts run at once. Returns the origin and `stop()`.
 */
export async function startServer() {
  const server = await startDevServer({
    config: { rootDir: '.', port: 0, hostname: 'localhost' },
    readCliArgs: false, readFileConfig: false, logStartMessage: false,
  });
  return { origin: `http://localhost:${server.server.address().port}`, stop: () => server.stop() };
}

/**
 * Headless Chromium with the tests' flags plus `args` (fakeCameraArgs(clip), PRECISE_MEMORY_ARGS, ...).
 * `protocolTimeout` (ms) is for scripts whose one `page.evaluate` runs longer than puppeteer's default 180 s.
 */
export function launchChromium({ args = [], protocolTimeout } = {}) {
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...args],
    headless: true,
    ...(protocolTimeout ? { protocolTimeout } : {}),
  });
}

/** Runs `fn(origin)` with the server up, and stops it however `fn` ends. */
export async function withServer(fn) {
  const server = await startServer();
  try {
    return await fn(server.origin);
  } finally {
    await server.stop();
  }
}

/** Runs `fn(browser)` with a browser launched by `launchChromium(options)`, and closes it however `fn` ends. */
export async function withBrowser(options, fn) {
  const browser = await launchChromium(options);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * The common case: a server and one browser. `fn({browser, origin, open})`, where `open(path, viewport?)` opens a
 * new page at `origin + path`.
 */
export function withHarness(options, fn) {
  return withServer((origin) => withBrowser(options, (browser) => fn({
    browser,
    origin,
    open: async (path, viewport) => {
      const page = await browser.newPage();
      if (viewport) await page.setViewport(viewport);
      await page.goto(`${origin}${path}`);
      return page;
    },
  })));
}
