// @ts-check
/// <reference lib="dom" />
// The browser the measuring scripts (bench, measure, measure-camera, soak, screenshot) run in: the repository
// served by @web/dev-server on a free port, and headless Chromium from the system (CHROME_PATH or
// /usr/bin/chromium) with the flags the browser tests use (web-test-runner.config.mjs), so that a script measures
// the same browser the tests check.
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, fakeCameraArgs } from './browsers.mjs';

export { fakeCameraArgs };

/** @typedef {import('puppeteer-core').Browser} Browser */
/** @typedef {import('puppeteer-core').Page} Page */
/** @typedef {import('puppeteer-core').Viewport} Viewport */
/** @typedef {{ isolated?: boolean }} ServerOptions */
/** @typedef {{ args?: string[], protocolTimeout?: number }} LaunchOptions */
/**
 * The element as the scripts' page code uses it: they load the built bundle by URL, which tsc cannot follow to
 * src/element's types.
 * @typedef {HTMLElement & { seed: number, capture(): Promise<Blob>, readonly shadowRoot: ShadowRoot }} BlazeFaceElement
 */
/**
 * What withHarness hands its callback.
 * @typedef {object} Harness
 * @property {Browser} browser
 * @property {string} origin
 * @property {(path: string, viewport?: Viewport) => Promise<Page>} open
 * @property {(path: string, viewport?: Viewport) => Promise<Page>} openIsolated
 */

/** Chromium flags for numbers the scripts read: `performance.memory` not rounded, and `gc()` in the page. */
export const PRECISE_MEMORY_ARGS = ['--enable-precise-memory-info'];
export const EXPOSE_GC_ARGS = ['--js-flags=--expose-gc'];

/**
 * The headers that make a page cross-origin isolated (`crossOriginIsolated`), which SharedArrayBuffer and so
 * tfjs's threaded wasm build need. Every file here is same-origin, so require-corp blocks nothing.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Serves the repository root (so pages load `/dist/...`, `/models/...`, `/demo/...`) on a port the system picks,
 * which lets two scripts run at once. `isolated`: every response carries ISOLATION_HEADERS. Returns the origin and
 * `stop()`.
 */
export async function startServer(/** @type {ServerOptions} */ { isolated = false } = {}) {
  /** @type {NonNullable<import('@web/dev-server').DevServerConfig['middleware']>} */
  const middleware = isolated
    ? [
        (ctx, next) => {
          ctx.set(ISOLATION_HEADERS);
          return next();
        },
      ]
    : [];
  const server = await startDevServer({
    config: { rootDir: '.', port: 0, hostname: 'localhost', middleware },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  // Listening on a TCP port, so address() is an AddressInfo.
  const address = /** @type {import('node:net').AddressInfo} */ (server.server?.address());
  return { origin: `http://localhost:${address.port}`, stop: () => server.stop() };
}

/**
 * Headless Chromium with the tests' flags plus `args` (fakeCameraArgs(clip), PRECISE_MEMORY_ARGS, ...).
 * `protocolTimeout` (ms) is for scripts whose one `page.evaluate` runs longer than puppeteer's default 180 s.
 */
export function launchChromium(/** @type {LaunchOptions} */ { args = [], protocolTimeout } = {}) {
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...args],
    headless: true,
    ...(protocolTimeout ? { protocolTimeout } : {}),
  });
}

/**
 * Runs `fn(origin)` with the server up (`options` as for startServer), and stops it however `fn` ends.
 * @template T
 * @param {(origin: string) => Promise<T>} fn
 * @param {ServerOptions} [options]
 * @returns {Promise<T>}
 */
export async function withServer(fn, options) {
  const server = await startServer(options);
  try {
    return await fn(server.origin);
  } finally {
    await server.stop();
  }
}

/**
 * Runs `fn(browser)` with a browser launched by `launchChromium(options)`, and closes it however `fn` ends.
 * @template T
 * @param {LaunchOptions} options
 * @param {(browser: Browser) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withBrowser(options, fn) {
  const browser = await launchChromium(options);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * The common case: a server and one browser. `fn({browser, origin, open, openIsolated})`, where
 * `open(path, viewport?)` opens a new page at `origin + path`, and `openIsolated(path, viewport?)` the same from a
 * second server that sends ISOLATION_HEADERS (started on first use), so one run can compare both kinds of page.
 * @template T
 * @param {LaunchOptions} options
 * @param {(harness: Harness) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export function withHarness(options, fn) {
  return withServer((origin) =>
    withBrowser(options, async (browser) => {
      /** @type {(at: string, path: string, viewport?: Viewport) => Promise<Page>} */
      const openAt = async (at, path, viewport) => {
        const page = await browser.newPage();
        if (viewport) await page.setViewport(viewport);
        await page.goto(`${at}${path}`);
        return page;
      };
      // Typed by a cast, not a declaration: tsc would narrow a declared `null` and miss the assignment in openIsolated.
      let isolated = /** @type {Awaited<ReturnType<typeof startServer>> | null} */ (null);
      try {
        return await fn({
          browser,
          origin,
          open: (path, viewport) => openAt(origin, path, viewport),
          openIsolated: async (path, viewport) => {
            isolated ??= await startServer({ isolated: true });
            return openAt(isolated.origin, path, viewport);
          },
        });
      } finally {
        await isolated?.stop();
      }
    }),
  );
}
