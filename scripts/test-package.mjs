// @ts-check
/// <reference lib="dom" />
// npm run test:package: the package as users get it. Packs the tarball, checks what is in it, installs it into a
// fresh project outside this repository (a copy of examples/), builds every example there (static host, Vite,
// webpack 5, a Web Worker, React 19) and loads each built page in Chromium. Each page must show a face (the
// same face for the same seed, whatever loaded it), make no request that fails or leaves its origin and, with an
// element, run camera mode on the fake camera, and pass axe-core with no violation. The unpacked tarball is also
// served as a CDN serves it (jsDelivr, unpkg: one folder of another origin, with CORS), and a page loads
// dist/blaze-face.js from there with a script tag: face and camera. Then the static page again from an insecure
// origin: faces yes, camera no (with a clear error). Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fakeCameraArgs, launchChromium } from './browser-harness.mjs';

// MediaPipe's wasm (3.9 MB of the tarball, gzip) ships in it since issue 32, so that camera mode works from a CDN.
const LIMITS = { tarballBytes: 11e6, firstFaceJsGzip: 250e3 };
// seed 7, truncation 1: the same face on each
const SEED_PAGES = ['static', 'vite', 'webpack', 'worker', 'with-tfjs', 'cdn'];
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
  'dist/mediapipe/wasm/vision_wasm_internal.js',
  'dist/mediapipe/wasm/vision_wasm_internal.wasm',
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
/**
 * A static server for the files under `root`, at URL path `prefix`; `cors` adds the header a CDN sends.
 * @param {string} root
 * @param {{ prefix?: string, cors?: boolean }} options
 */
const staticServer = (root, { prefix = '/', cors = false } = {}) =>
  createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!url.startsWith(prefix)) return void res.writeHead(404).end();
    let path = normalize(`/${url.slice(prefix.length)}`);
    if (path.endsWith('/')) path += 'index.html';
    const file = join(root, path);
    try {
      if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error();
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        ...(cors ? { 'access-control-allow-origin': '*' } : {}),
      });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
/** @type {(srv: import('node:http').Server) => Promise<number>} */
const listen = (srv) =>
  new Promise((r) =>
    srv.listen(0, '127.0.0.1', () => r(/** @type {import('node:net').AddressInfo} */ (srv.address()).port)),
  );
const server = staticServer(out);
const port = await listen(server);

// The CDN: the unpacked tarball under one folder of another origin (here another port), with CORS, as jsDelivr
// serves https://cdn.jsdelivr.net/npm/blaze-face@<version>/. A page of the first origin loads the module from it.
const cdnRoot = join(work, 'cdn');
mkdirSync(cdnRoot);
run('tar', ['-xzf', tarball, '-C', cdnRoot], work);
const cdnPrefix = `/npm/blaze-face@${packed.version}/`;
const cdnServer = staticServer(join(cdnRoot, 'package'), { prefix: cdnPrefix, cors: true });
const cdnOrigin = `http://127.0.0.1:${await listen(cdnServer)}`;
const cdnBase = `${cdnOrigin}${cdnPrefix}`;
mkdirSync(join(out, 'cdn'));
writeFileSync(
  join(out, 'cdn/index.html'),
  readFileSync(join(repo, 'examples/static/index.html'), 'utf8')
    .replace('./blaze-face/dist/blaze-face.js', `${cdnBase}dist/blaze-face.js`)
    .replaceAll('static host', 'from a CDN'),
);

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
  return { page, requests, bad, origins: [new URL(url).origin, ...(url.includes('/cdn/') ? [cdnOrigin] : [])] };
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
 * @param {{ requests: RequestSeen[], bad: string[], origins: string[] }} session
 */
function network(name, { requests, bad, origins }) {
  check(bad.length === 0, `${name}: no failed requests${bad.length ? `: ${bad.slice(0, 3).join(', ')}` : ''}`);
  const away = requests
    .map((r) => r.url)
    .filter((u) => !/^(data|blob):/.test(u) && !origins.includes(new URL(u).origin));
  check(
    away.length === 0,
    `${name}: no request leaves ${origins.join(' and ')}${away.length ? `: ${away.slice(0, 3).join(', ')}` : ''}`,
  );
}

/** The local file a request of a page was served from (the examples' server or the CDN's). */
const fileOf = (/** @type {string} */ url) => {
  const u = new URL(url);
  return u.origin === cdnOrigin
    ? join(cdnRoot, 'package', u.pathname.slice(cdnPrefix.length))
    : join(out, decodeURIComponent(u.pathname));
};

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/**
 * axe-core's violations on the page, one line each (axe is injected: the page itself does not ship it).
 * @param {Page} page
 * @returns {Promise<string[]>}
 */
async function axeViolations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = /** @type {any} */ (window).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(
      (/** @type {{ id: string, nodes: { target: string[] }[] }} */ v) =>
        `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}

/**
 * The element is an image named for screen readers, in its attributes and in the browser's accessibility tree, and
 * axe-core finds no violation on the page.
 * @param {string} name
 * @param {Page} page
 */
async function a11y(name, page) {
  const [role, label] = await page.$eval('blaze-face', (e) => [e.getAttribute('role'), e.getAttribute('aria-label')]);
  const named = JSON.stringify(await page.accessibility.snapshot()).includes(`"name":"${label}"`);
  check(
    role === 'img' && /^Generated toon face$/.test(String(label)) && named,
    `${name}: the face is an image named "${label}" (role ${role}; ${named ? '' : 'not '}in the accessibility tree)`,
  );
  const violations = await axeViolations(page);
  check(
    violations.length === 0,
    `${name}: axe-core finds no violation${violations.length ? `: ${violations.join('; ')}` : ''}`,
  );
}

/**
 * Adds up the gzipped JS that `name`'s page requested by time `t`.
 * @param {string} name
 * @param {RequestSeen[]} requests
 * @param {number} t
 */
function jsBefore(name, requests, t) {
  const files = requests.filter((r) => r.at <= t && /\.m?js$/.test(new URL(r.url).pathname)).map((r) => fileOf(r.url));
  firstFaceJs[name] = [...new Set(files)].reduce((s, f) => s + gzipSync(readFileSync(f)).length, 0);
}

// 4. The element examples: a face, then camera mode (where the example has a camera button).
for (const name of ['static', 'vite', 'webpack', 'react', 'with-tfjs', 'cdn']) {
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
    await a11y(name, page);
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
    const violations = await axeViolations(page);
    check(
      violations.length === 0,
      `worker: axe-core finds no violation${violations.length ? `: ${violations.join('; ')}` : ''}`,
    );
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
cdnServer.close();

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
