// @ts-check
/// <reference lib="dom" />
// npm run test:package: the package as users get it. Packs the tarball, checks what is in it, installs it into a
// fresh project outside this repository (a copy of examples/), builds every example there (static host, Vite,
// webpack 5, a Web Worker, React 19) and loads each built page in Chromium. Each page must show a face (the
// same face for the same seed, whatever loaded it), make no request that fails or leaves its origin and, with an
// element, run camera mode on the fake camera. Then the static page again from an insecure origin: faces yes,
// camera no (with a clear error). Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fakeCameraArgs, launchChromium } from './browser-harness.mjs';

const LIMITS = { tarballBytes: 8e6, firstFaceJsGzip: 250e3 };
const SEED_PAGES = ['static', 'vite', 'webpack', 'worker', 'with-tfjs']; // seed 7, truncation 1: the same face on each
/** @type {string[]} */
const failures = [];
const check = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const run = (/** @type {string} */ cmd, /** @type {string[]} */ args, /** @type {string} */ cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26 });

const repo = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'blaze-face-package-'));
const keep = !!process.env.KEEP_PACKAGE_TEST;

// 1. The tarball.
const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repo));
const tarball = join(work, packed.filename);
const names = packed.files.map((/** @type {{ path: string }} */ f) => f.path);
check(
  packed.size < LIMITS.tarballBytes,
  `tarball ${(packed.size / 1e6).toFixed(2)} MB (unpacked ${(packed.unpackedSize / 1e6).toFixed(2)} MB, ${names.length} files) < ${LIMITS.tarballBytes / 1e6} MB`,
);
check(!names.some((/** @type {string} */ n) => n.endsWith('.map')), 'no sourcemaps in the tarball');
check(!names.some((/** @type {string} */ n) => n.includes('/goldens/')), 'no goldens in the tarball');
for (const n of [
  'LICENSE',
  'dist/blaze-face.js',
  'dist/core.js',
  'dist/lib/index.js',
  'dist/lib/core.js',
  'dist/types/index.d.ts',
  'dist/types/core.d.ts',
  'dist/types/react.d.ts',
  'custom-elements.json',
  'models/toon/weights.bin',
  'models/sketch/weights.bin',
  'models/mediapipe/face_landmarker.task',
  'dist/wasm/tfjs-backend-wasm-simd.wasm',
  'scripts/blaze-face-assets.mjs',
]) {
  check(names.includes(n), `tarball has ${n}`);
}

// 2. A fresh project outside the repository (so nothing resolves from this repo's node_modules), built.
const project = join(work, 'examples');
cpSync(join(repo, 'examples'), project, { recursive: true, filter: (p) => !/\/(node_modules|out)(\/|$)/.test(p) });
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], project);
run('npm', ['run', 'build', '--silent'], project);
const out = join(project, 'out');
const workerJs = readdirSync(join(out, 'worker/assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => readFileSync(join(out, 'worker/assets', f), 'utf8'))
  .join('\n');
check(
  !/customElements\.define|lit-html|LitElement/.test(workerJs),
  'the worker bundle (blaze-face/core) has no element, no Lit',
);
// One string that only tfjs-core has: an app with tfjs of its own must bundle one copy of it, not two.
const withTfjs = readdirSync(join(out, 'with-tfjs/assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => readFileSync(join(out, 'with-tfjs/assets', f), 'utf8'))
  .join('\n');
const tfjsCopies = withTfjs.split('Cannot evaluate flag').length - 1;
check(
  tfjsCopies === 1,
  `with-tfjs: the app bundle has one copy of tfjs-core, shared with blaze-face (found ${tfjsCopies})`,
);

// 3. A static server for out/: one origin for every example.
/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
const server = createServer((req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  if (path.endsWith('/')) path += 'index.html';
  const file = join(out, path);
  try {
    if (!file.startsWith(out) || !statSync(file).isFile()) throw new Error();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
// Listening on a TCP port, so address() is an AddressInfo.
const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

// The insecure origin: a name that is not localhost (how a phone on the LAN sees the page), mapped to this server.
const INSECURE_HOST = 'lan-device.test';
const browser = await launchChromium({
  args: [...fakeCameraArgs('one-face'), `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`],
});

/** @typedef {import('./browser-harness.mjs').Page} Page */
/** An element event as the page records it, for the checks to read; `detail` is the event's, as JSON. */
/** @typedef {{ type: string, at: number, detail: any }} PageEvent */
/** @typedef {typeof window & { __events: PageEvent[] }} EventsWindow */
/** @typedef {{ url: string, at: number }} RequestSeen */

/**
 * Loads `url`; returns the page, the requests it made, and the element events it saw.
 * @param {string} url
 */
async function open(url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 700 });
  /** @type {RequestSeen[]} */
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
  /** @type {string[]} */
  const bad = [];
  page.on('response', (r) => {
    if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => bad.push(`failed ${r.url()} (${r.failure()?.errorText})`));
  await page.evaluateOnNewDocument(() => {
    const win = /** @type {EventsWindow} */ (window);
    win.__events = [];
    for (const type of ['blaze-face-load', 'blaze-face-error', 'blaze-face-track', 'blaze-face-render']) {
      document.addEventListener(type, (e) =>
        win.__events.push({
          type,
          at: Date.now(),
          detail: JSON.parse(JSON.stringify(/** @type {CustomEvent} */ (e).detail ?? null)),
        }),
      );
    }
  });
  await page.goto(url);
  return { page, requests, bad, origin: new URL(url).origin };
}

/** @type {(page: Page, type: string) => Promise<PageEvent[]>} */
const events = (page, type) =>
  page.evaluate((t) => /** @type {EventsWindow} */ (window).__events.filter((e) => e.type === t), type);
/**
 * The first event of `type` for which the expression `pred` (of `e`) holds, waiting up to `timeout` ms; else null.
 * @param {Page} page
 * @param {string} type
 * @returns {Promise<PageEvent | null>}
 */
async function waitEvent(page, type, pred = 'true', timeout = 180000) {
  const find = `window.__events.find((e) => e.type === ${JSON.stringify(type)} && (${pred})) ?? null`;
  await page.waitForFunction(find, { timeout, polling: 200 }).catch(() => {});
  return /** @type {Promise<PageEvent | null>} */ (page.evaluate(find));
}

/** @typedef {{ cells: number[], spread: number, background: number }} Face */

/**
 * A screenshot of `selector`, as 32 x 32 mean RGB cells (composited on the page), plus its spread. Throws when
 * nothing matches `selector`.
 * @param {Page} page
 * @param {string} selector
 * @returns {Promise<Face>}
 */
async function face(page, selector) {
  const element = await page.$(selector);
  if (!element) throw new Error(`face: expected an element matching ${selector}, got none`);
  const png = await element.screenshot({ encoding: 'base64' });
  return page.evaluate(async (b64) => {
    const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const c = new OffscreenCanvas(32, 32);
    const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (c.getContext('2d'));
    ctx.drawImage(img, 0, 0, 32, 32);
    const d = ctx.getImageData(0, 0, 32, 32).data;
    /** @type {number[]} */
    const cells = [];
    let sum = 0,
      sum2 = 0,
      background = 0;
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
      cells.push(d[i], d[i + 1], d[i + 2]);
      sum += y;
      sum2 += y * y;
      if (d[i] > 250 && d[i + 1] > 250 && d[i + 2] > 250) background++;
    }
    const n = d.length / 4;
    return { cells, spread: Math.sqrt(sum2 / n - (sum / n) ** 2), background: background / n };
  }, png);
}

const isFace = (/** @type {Face} */ f) => f.spread > 25 && f.background > 0.05 && f.background < 0.9;
/** @type {Record<string, Face>} */
const faces = {};
/** @type {Record<string, number>} */
const firstFaceJs = {};

/**
 * @param {string} name
 * @param {{ requests: RequestSeen[], bad: string[], origin: string }} session
 */
function network(name, { requests, bad, origin }) {
  check(bad.length === 0, `${name}: no failed requests${bad.length ? `: ${bad.slice(0, 3).join(', ')}` : ''}`);
  const away = requests.map((r) => r.url).filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== origin);
  check(
    away.length === 0,
    `${name}: no request leaves ${origin}${away.length ? `: ${away.slice(0, 3).join(', ')}` : ''}`,
  );
}

/**
 * Adds up the gzipped JS that `name`'s page requested by time `t`.
 * @param {string} name
 * @param {RequestSeen[]} requests
 * @param {number} t
 */
function jsBefore(name, requests, t) {
  const files = requests
    .filter((r) => r.at <= t && /\.m?js$/.test(new URL(r.url).pathname))
    .map((r) => new URL(r.url).pathname);
  firstFaceJs[name] = [...new Set(files)].reduce((s, p) => s + gzipSync(readFileSync(join(out, p))).length, 0);
}

// 4. The element examples: a face, then camera mode (where the example has a camera button).
for (const name of ['static', 'vite', 'webpack', 'react', 'with-tfjs']) {
  const session = await open(`http://127.0.0.1:${port}/${name}/`);
  const { page } = session;
  const load = await waitEvent(page, 'blaze-face-load');
  const errors = await events(page, 'blaze-face-error');
  check(
    !!load,
    `${name}: blaze-face-load${load ? ` on ${load.detail.backend}` : ''}${errors.length ? ` (errors: ${errors.map((e) => e.detail.message).join('; ')})` : ''}`,
  );
  if (load) {
    jsBefore(name, session.requests, load.at);
    const f = await face(page, 'blaze-face');
    faces[name] = f;
    check(
      isFace(f),
      `${name}: a face is drawn (spread ${f.spread.toFixed(1)}, background ${(f.background * 100).toFixed(0)} %)`,
    );
  }
  if (name === 'with-tfjs') {
    check(
      load?.detail.backend === 'cpu' && /already runs on cpu/.test(load.detail.backendReason),
      `with-tfjs: auto keeps the app's backend (${load?.detail.backendReason})`,
    );
    const app = await page.$eval('#app', (e) => e.textContent).catch(() => '(no #app)');
    check(app === "the app's own model: 12 on cpu", `with-tfjs: the app's own tfjs still works ("${app}")`);
  } else if (name === 'react') {
    const status = () => page.$eval('#status', (e) => e.textContent).catch(() => '(no #status)');
    check(
      /^loaded toon on \w+|^seed 7 drawn/.test(await status()),
      `react: the onblaze-face-load / render props ran ("${await status()}")`,
    );
    await page.click('button');
    await page
      .waitForFunction(
        () => /^seed 8 drawn/.test(String(/** @type {Element} */ (document.querySelector('#status')).textContent)),
        { timeout: 60000 },
      )
      .catch(() => {});
    check(/^seed 8 drawn/.test(await status()), `react: a new seed prop draws a new face ("${await status()}")`);
  } else {
    await page.click('#camera');
    const track = await waitEvent(page, 'blaze-face-track', 'e.detail.faces.some((f) => f.overlaid)');
    const camErrors = (await events(page, 'blaze-face-error')).map((e) => `${e.detail.type}: ${e.detail.message}`);
    check(
      !!track && track.detail.tracking === 'mesh',
      `${name}: camera mode finds the fake camera's face and draws the lens (${track ? track.detail.tracking : 'no track event'}${camErrors.length ? `; ${camErrors.join('; ')}` : ''})`,
    );
  }
  network(name, session);
  await page.close();
}

// 5. The worker example: blaze-face/core draws to an OffscreenCanvas.
{
  const session = await open(`http://127.0.0.1:${port}/worker/`);
  const { page } = session;
  await page.waitForSelector('canvas[data-state]', { timeout: 180000 }).catch(() => {});
  const state = await page
    .$eval('canvas', (c) => /** @type {HTMLCanvasElement} */ (c).dataset.state ?? 'none')
    .catch(() => 'no canvas');
  const status = await page.$eval('#status', (e) => e.textContent).catch(() => '(no #status)');
  check(state === 'drawn', `worker: createGenerator in a worker drew a face ("${status}")`);
  if (state === 'drawn') {
    jsBefore('worker', session.requests, Date.now());
    faces.worker = await face(page, 'canvas');
    check(isFace(faces.worker), `worker: the canvas holds a face (spread ${faces.worker.spread.toFixed(1)})`);
  }
  network('worker', session);
  await page.close();
}

// 6. The same seed is the same face, whatever loaded the package.
const drawn = SEED_PAGES.filter((n) => faces[n]);
for (const n of drawn.slice(1)) {
  const a = faces[drawn[0]].cells,
    b = faces[n].cells;
  const mad = a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
  check(mad < 4, `${n}: the same face as ${drawn[0]} for seed 7 (mean difference ${mad.toFixed(2)} / 255)`);
}

// 7. An insecure origin: generation works, camera mode says why it cannot.
{
  const session = await open(`http://${INSECURE_HOST}:${port}/static/`);
  const { page } = session;
  check(await page.evaluate(() => window.isSecureContext === false), 'insecure: the page is not a secure context');
  const load = await waitEvent(page, 'blaze-face-load');
  check(
    !!load && isFace(await face(page, 'blaze-face')),
    `insecure: a face is drawn${load ? '' : ` (${JSON.stringify(await events(page, 'blaze-face-error'))})`}`,
  );
  await page.click('#camera');
  const err = await waitEvent(page, 'blaze-face-error', "e.detail.type === 'camera-unavailable'", 30000);
  check(
    !!err && /secure context/.test(err.detail.message),
    `insecure: camera mode fails with a clear error (${err ? err.detail.message : 'none'})`,
  );
  network('insecure', session);
  await page.close();
}

await browser.close();
server.close();

console.log('\nJS a page downloads before its first face (gzip):');
for (const [n, b] of Object.entries(firstFaceJs)) {
  const ok = b <= LIMITS.firstFaceJsGzip;
  console.log(`  ${n.padEnd(8)} ${(b / 1e3).toFixed(1)} kB`);
  if (!ok)
    failures.push(`${n}: ${(b / 1e3).toFixed(1)} kB of JS before the first face > ${LIMITS.firstFaceJsGzip / 1e3} kB`);
}
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
if (failures.length) {
  console.error(`\n${failures.length} package check(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\npackage: all checks passed');
