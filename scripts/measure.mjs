// Generation time per backend in headless Chromium: median of 20 renders after 3 warm-up renders, from the
// element's own blaze-face-render `ms` (generate + copy to the canvas). Not a test: numbers for the docs.
//   npm run build && node scripts/measure.mjs
// On a machine without a GPU, webgpu and webgl run on SwiftShader (the CPU): compare them with each other only.
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS } from '../web-test-runner.config.mjs';

const server = await startDevServer({ config: { rootDir: '.', port: 8766 }, readCliArgs: false, readFileConfig: false, logStartMessage: false });
const browser = await puppeteer.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
const results = {};
try {
  for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
    const page = await browser.newPage();
    await page.goto('http://localhost:8766/demo/empty.html');
    results[backend] = await page.evaluate(async (backend) => {
      await import('/dist/blaze-face.js');
      const el = document.createElement('blaze-face');
      el.setAttribute('backend', backend);
      const once = (name) => new Promise((r) => el.addEventListener(name, (e) => r(e.detail), { once: true }));
      const loaded = once('blaze-face-load');
      document.body.append(el);
      const load = await loaded;
      const times = [];
      for (let i = 1; i <= 23; i++) {
        const r = once('blaze-face-render');
        el.seed = i;
        const d = await r;
        if (i > 3) times.push(d.ms);
      }
      times.sort((a, b) => a - b);
      return { backend: load.backend, loadMs: Math.round(load.loadMs), medianMs: +times[10].toFixed(1), p90Ms: +times[17].toFixed(1) };
    }, backend);
    console.log(JSON.stringify(results[backend]));
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
