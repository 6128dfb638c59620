// @ts-check
/// <reference lib="dom" />
// Screenshots of the demo in headless Chromium, for the docs: desktop and phone-sized viewports, and the phone
// layout in camera mode with the fake camera playing a clip of a real photo (scripts/fake-camera.mjs).
//   npm run build && node scripts/screenshot.mjs
import { fakeCameraArgs, withHarness } from './browser-harness.mjs';

/**
 * Renders the shown seed again (via seed + 1): the first render compiles the shaders, and the caption should show a warm one.
 * @param {import('./browser-harness.mjs').Page} page
 */
async function warm(page) {
  await page.evaluate(async () => {
    const face = /** @type {HTMLElement} */ (document.getElementById('face'));
    const seed = /** @type {string} */ (face.getAttribute('seed'));
    for (const s of [String(Number(seed) + 1), seed]) {
      const rendered = new Promise((r) => face.addEventListener('blaze-face-render', r, { once: true }));
      face.setAttribute('seed', s);
      await rendered;
    }
  });
}

const PHONE = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true };
/** @type {[string, import('./browser-harness.mjs').Viewport][]} */
const SHOTS = [
  ['demo', { width: 980, height: 760 }],
  ['demo-phone', PHONE],
];

await withHarness({ args: fakeCameraArgs('one-face') }, async ({ open }) => {
  for (const [name, viewport] of SHOTS) {
    const page = await open('/demo/index.html', viewport);
    await page.waitForFunction(() => document.querySelector('#backend')?.textContent?.includes('px'), {
      timeout: 120000,
    });
    await warm(page);
    await page.screenshot({ path: `docs/${name}.png` });
    console.log(`docs/${name}.png`);
    await page.close();
  }
  const page = await open('/demo/index.html', PHONE);
  await page.waitForFunction(() => document.querySelector('#backend')?.textContent?.includes('px'), {
    timeout: 120000,
  });
  await page.click('#camera');
  await page.waitForFunction(() => document.querySelector('#faces')?.textContent === '1 face', { timeout: 120000 });
  await new Promise((r) => setTimeout(r, 3000)); // the generated face lands
  await page.screenshot({ path: 'docs/demo-camera-phone.png' });
  console.log('docs/demo-camera-phone.png');
  await page.close();
});
