// Screenshots of the demo in headless Chromium, for the docs: desktop and phone-sized viewports.
//   npm run build && node scripts/screenshot.mjs
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS } from '../web-test-runner.config.mjs';

const server = await startDevServer({ config: { rootDir: '.', port: 8765 }, readCliArgs: false, readFileConfig: false, logStartMessage: false });
const browser = await puppeteer.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  for (const [name, viewport] of [['demo', { width: 980, height: 760 }], ['demo-phone', { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true }]]) {
    const page = await browser.newPage();
    await page.setViewport(viewport);
    await page.goto('http://localhost:8765/demo/index.html');
    await page.waitForFunction(() => document.querySelector('#backend')?.textContent?.includes('px'), { timeout: 120000 });
    await page.screenshot({ path: `docs/${name}.png` });
    console.log(`docs/${name}.png`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
