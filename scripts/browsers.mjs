// @ts-check
// The three browser engines the test suite runs in, each from Debian's apt and driven without downloads:
//   Blink: /usr/bin/chromium through puppeteer-core (CDP), SwiftShader for WebGPU and WebGL;
//   Gecko: /usr/bin/firefox-esr through puppeteer-core (WebDriver BiDi), in a window on Xvfb: headless Firefox
//          has no WebGL at all, where a desktop Firefox without a GPU has WebGL 2 on Mesa's llvmpipe, as here;
//   WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver (W3C WebDriver), on Xvfb (its --headless hangs).
// BLAZE_ENGINES=chromium,firefox,webkit (the default) picks which run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { chromeLauncher } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import * as puppeteer from 'puppeteer-core';
import { buildClip } from './fake-camera.mjs';

export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
// Debian's amd64 path; MINIBROWSER gives it on other architectures.
export const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

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

/**
 * Chromium's fake camera, playing a Y4M clip made from a real photo (scripts/fake-camera.mjs).
 * @param {string} clip a name in scripts/fake-camera-clips.mjs
 */
export const fakeCameraArgs = (clip) => [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${buildClip(/** @type {Parameters<typeof buildClip>[0]} */ (clip))}`,
];

/** Firefox's fake camera (a generated moving picture) with no permission prompt, and no network chatter. */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'network.captive-portal-service.enabled': false,
  'app.update.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
};

/** WebKitGTK's mock capture devices (a generated moving picture), granted without a prompt. */
export const WEBKIT_ARGS = [
  '--automation',
  '--enable-media-stream=true',
  '--enable-mock-capture-devices=true',
  '--features=-MockCaptureDevicesPrompt',
];

export const ENGINES = (process.env.BLAZE_ENGINES ?? 'chromium,firefox,webkit')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const KNOWN = ['chromium', 'firefox', 'webkit'];
for (const e of ENGINES) {
  if (!KNOWN.includes(e)) throw new Error(`BLAZE_ENGINES: expected some of ${KNOWN.join(', ')}, got "${e}"`);
}

/** @type {Promise<string> | null} */
let display = null;

// The Xvfb server and the WebKit driver's process group are ended by 'exit' handlers, which Node runs on a normal
// exit but not on a signal: a run stopped by SIGTERM or SIGHUP (a CI timeout) exits through them too.
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => process.exit(128 + (signal === 'SIGTERM' ? 15 : 1)));
}

/**
 * One Xvfb server for the run (Firefox and WebKit draw into it), started on first use and ended at exit.
 * @returns {Promise<string>} its DISPLAY, e.g. ":1"
 */
export function virtualDisplay() {
  display ??= new Promise((resolve, reject) => {
    if (!existsSync('/usr/bin/Xvfb')) {
      reject(new Error('Firefox and WebKit tests need Xvfb (apt: xvfb) at /usr/bin/Xvfb; it is missing'));
      return;
    }
    // -displayfd: Xvfb picks a free display and writes its number to fd 3 once it accepts connections.
    const x = spawn('/usr/bin/Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    process.once('exit', () => x.kill());
    const timer = setTimeout(() => {
      x.kill();
      reject(new Error('Xvfb gave no display number within 20 s'));
    }, 20000);
    let out = '';
    /** @type {import('node:stream').Readable} */ (x.stdio[3]).on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(`:${out.trim()}`);
    });
    x.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb could not start: ${e.message}`));
    });
    x.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code} before it was ready`));
    });
  });
  return display;
}

export const chromium = (/** @type {string[]} */ extraArgs = []) =>
  chromeLauncher({
    launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] },
  });

export const firefox = () => {
  // The launcher keeps this object; DISPLAY is filled in once Xvfb is up, before the browser starts.
  /** @type {Record<string, string | undefined>} */
  const env = { ...process.env };
  const launcher = chromeLauncher({
    puppeteer,
    launchOptions: {
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: false,
      extraPrefsFirefox: FIREFOX_PREFS,
      env,
    },
  });
  const initialize = launcher.initialize.bind(launcher);
  launcher.initialize = async (config, testFiles) => {
    env.DISPLAY = await virtualDisplay();
    return initialize(config, testFiles);
  };
  return launcher;
};

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @param {number} port
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} ms
 */
async function waitForPort(port, child, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode} before listening`);
    const open = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not listen on port ${port} within ${ms} ms`);
}

/** WebKitWebDriver on a free port, drawing on the Xvfb display; `stop()` ends it and the browsers it started. */
export async function startWebKitDriver() {
  for (const [what, path] of [
    ['WebKitWebDriver (apt: webkit2gtk-driver)', WEBKIT_DRIVER],
    ['MiniBrowser (apt: libwebkit2gtk-4.1-0)', MINIBROWSER],
  ]) {
    if (!existsSync(path)) throw new Error(`WebKit needs ${what} at ${path}; it is missing`);
  }
  const port = await freePort();
  const DISPLAY = await virtualDisplay();
  // Its own process group, so that stop() ends the driver and the browser it started together.
  const child = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
    detached: true,
    stdio: process.env.WEBKIT_LOG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
    env: { ...process.env, DISPLAY },
  });
  // The whole group, even after the driver itself has gone: a MiniBrowser it started may outlive it.
  const stop = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const failed = new Promise((_, reject) => child.once('error', reject));
  try {
    await Promise.race([waitForPort(port, child, 30000), failed]);
  } catch (e) {
    stop();
    throw e;
  }
  return { port, stop };
}

/**
 * WebdriverIO's options for MiniBrowser on a WebKitWebDriver at `port`.
 * @param {number} port
 */
export const webkitOptions = (port) => ({
  hostname: '127.0.0.1',
  port,
  logLevel: 'error',
  automationProtocol: 'webdriver',
  capabilities: {
    browserName: 'MiniBrowser',
    // WebdriverIO 9 asks for WebDriver BiDi by default, which WebKitWebDriver does not match.
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: WEBKIT_ARGS },
  },
});

/** WebdriverLauncher that owns its WebKitWebDriver, started with the run and ended with it. */
class WebKitLauncher extends WebdriverLauncher {
  /** @type {{ port: number, stop: () => void } | null} */
  driverProcess = null;

  /** @param {ReturnType<typeof webkitOptions>} options kept: its port is set once the driver listens */
  constructor(options) {
    super(/** @type {any} */ (options));
    this.webkitOptions = options;
  }

  /**
   * @override
   * @param {import('@web/test-runner-core').TestRunnerCoreConfig} config
   */
  async initialize(config) {
    this.driverProcess = await startWebKitDriver();
    this.webkitOptions.port = this.driverProcess.port;
    await super.initialize(config);
    this.name = 'WebKit';
  }

  /** @override */
  async stop() {
    await super.stop();
    this.driverProcess?.stop();
  }
}

export const webkit = () => new WebKitLauncher(webkitOptions(0));

/** A launcher for each engine in BLAZE_ENGINES (all three by default); `chromiumArgs` are added to Chromium's. */
export const engineBrowsers = (/** @type {string[]} */ chromiumArgs = []) =>
  ENGINES.map((e) => (e === 'chromium' ? chromium(chromiumArgs) : e === 'firefox' ? firefox() : webkit()));
