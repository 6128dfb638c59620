// @ts-check
/// <reference lib="dom" />
// What each browser engine of the test matrix offers this product, measured, and the demo as it looks there: for
// the README's support table. Chromium (headless, SwiftShader), Firefox ESR and WebKitGTK (on Xvfb), as the tests
// run them (scripts/browsers.mjs).
//   npm run build && node scripts/engines.mjs      -> docs/engines.json, docs/engines/<engine>.png
// BLAZE_ENGINES picks the engines, as for the tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';
import * as prettier from 'prettier';
import { startServer, launchChromium } from './browser-harness.mjs';
import { ENGINES, FIREFOX_PATH, FIREFOX_PREFS, startWebKitDriver, virtualDisplay, webkitOptions } from './browsers.mjs';

// The WebDriver client that web-test-runner's WebDriver launcher brings (its own copy, not hoisted).
const launcherRequire = createRequire(createRequire(import.meta.url).resolve('@web/test-runner-webdriver'));
const { remote } = launcherRequire('webdriverio');

const VIEWPORT = { width: 980, height: 760 };

/**
 * Runs in the page: what the engine offers, and what the element does with it (a fresh element, `auto` backend).
 * Self-contained, as each driver serialises it into the page.
 */
async function facts() {
  /** @type {Record<string, unknown>} */
  const out = { userAgent: navigator.userAgent };
  const gpu = /** @type {any} */ (navigator).gpu;
  out.webgpu = gpu ? ((await gpu.requestAdapter().catch(() => null)) ? 'adapter' : 'no adapter') : 'no navigator.gpu';
  const gl = /** @type {WebGL2RenderingContext | null} */ (document.createElement('canvas').getContext('webgl2'));
  out.webgl2 = gl ? String(gl.getParameter(gl.RENDERER)) : null;
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  // The smallest module with a v128 instruction: validates only where wasm SIMD exists.
  const simd = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
  ]);
  out.wasmSimd = WebAssembly.validate(simd);
  out.requestVideoFrameCallback = 'requestVideoFrameCallback' in HTMLVideoElement.prototype;
  out.offscreenWebGL2 = (() => {
    try {
      return new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
    } catch {
      return false;
    }
  })();
  out.recording = ['video/webm', 'video/mp4'].filter((t) => globalThis.MediaRecorder?.isTypeSupported(t));
  await import(/* @vite-ignore */ `${location.origin}/dist/blaze-face.js`);
  const el = document.createElement('blaze-face');
  const loaded = new Promise((resolve, reject) => {
    el.addEventListener('blaze-face-load', (e) => resolve(/** @type {CustomEvent} */ (e).detail), { once: true });
    el.addEventListener('blaze-face-error', (e) =>
      reject(new Error(JSON.stringify(/** @type {CustomEvent} */ (e).detail))),
    );
  });
  document.body.append(el);
  const load = /** @type {{ backend: string, backendReason: string }} */ (await loaded);
  out.autoBackend = load.backend;
  out.autoReason = load.backendReason;
  el.remove();
  return out;
}

/** Waits in the page for the demo's face and its caption (the backend and size). */
async function demoReady() {
  const until = Date.now() + 120000;
  while (!document.querySelector('#backend')?.textContent?.includes('px')) {
    if (Date.now() > until) throw new Error('the demo drew no face within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

mkdirSync('docs/engines', { recursive: true });
const server = await startServer();
// BLAZE_ENGINES=webkit (say) measures one engine again and keeps the others' entries.
/** @type {Record<string, unknown>} */
const results = existsSync('docs/engines.json') ? JSON.parse(readFileSync('docs/engines.json', 'utf8')) : {};
try {
  for (const engine of ENGINES) {
    const shot = `docs/engines/${engine}.png`;
    if (engine === 'webkit') {
      const driver = await startWebKitDriver();
      const b = await remote(/** @type {any} */ (webkitOptions(driver.port)));
      try {
        await b.setWindowSize(VIEWPORT.width, VIEWPORT.height);
        await b.url(`${server.origin}/demo/empty.html`);
        results[engine] = await b.executeAsync(
          /**
           * @param {string} src
           * @param {(v: unknown) => void} done
           */
          (src, done) => {
            new Function(`return (${src})()`)().then(done, (/** @type {Error} */ e) => done({ error: String(e) }));
          },
          facts.toString(),
        );
        await b.url(`${server.origin}/demo/index.html`);
        // Polled from here, one short script at a time.
        const until = Date.now() + 120000;
        while (!(await b.execute(() => document.querySelector('#backend')?.textContent ?? '')).includes('px')) {
          if (Date.now() > until) throw new Error('webkit: the demo drew no face within 120 s');
          await new Promise((r) => setTimeout(r, 500));
        }
        await b.saveScreenshot(shot);
      } finally {
        await b.deleteSession().catch(() => {});
        driver.stop();
      }
    } else {
      const browser =
        engine === 'chromium'
          ? await launchChromium()
          : await puppeteer.launch({
              browser: 'firefox',
              executablePath: FIREFOX_PATH,
              headless: false,
              extraPrefsFirefox: FIREFOX_PREFS,
              env: { ...process.env, DISPLAY: await virtualDisplay() },
            });
      try {
        const page = await browser.newPage();
        await page.setViewport(VIEWPORT);
        await page.goto(`${server.origin}/demo/empty.html`);
        results[engine] = await page.evaluate(facts);
        await page.goto(`${server.origin}/demo/index.html`);
        await page.evaluate(demoReady);
        await page.screenshot({ path: shot });
      } finally {
        await browser.close();
      }
    }
    console.log(engine, JSON.stringify(results[engine]), shot);
  }
} finally {
  await server.stop();
}
// Formatted as the repository's check wants it.
writeFileSync('docs/engines.json', await prettier.format(JSON.stringify(results), { parser: 'json' }));
process.exit(0); // the Xvfb of Firefox and WebKit ends with the process
