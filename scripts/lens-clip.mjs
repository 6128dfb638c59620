// @ts-check
/// <reference lib="dom" />
// A short clip of the face lens for the README: camera mode on Chromium's fake camera playing a real photo's face
// sliding (scripts/fake-camera-clips.mjs, one-face), recorded by the element's own startRecording(), as it
// shows on screen. Writes docs/lens.webm.
//   npm run build && node scripts/lens-clip.mjs [seconds]
import { writeFileSync } from 'node:fs';
import { fakeCameraArgs, withHarness } from './browser-harness.mjs';

const seconds = Number(process.argv[2] ?? 4);
if (!(seconds > 0 && seconds <= 30)) throw new Error(`lens-clip: expected seconds in (0, 30], got ${process.argv[2]}`);
const OUT = 'docs/lens.webm';

await withHarness({ args: fakeCameraArgs('one-face') }, async ({ open }) => {
  const page = await open('/demo/empty.html', { width: 520, height: 420 });
  await page.addScriptTag({ type: 'module', url: '/dist/blaze-face.js' });
  const b64 = await page.evaluate(async (ms) => {
    await customElements.whenDefined('blaze-face');
    const el = /** @type {HTMLElement & { startRecording(): void, stopRecording(): Promise<Blob> }} */ (
      document.createElement('blaze-face')
    );
    el.setAttribute('seed', '7');
    el.style.setProperty('--blaze-face-size', '480px');
    const lensOn = new Promise((resolve, reject) => {
      el.addEventListener('blaze-face-error', (e) => reject(new Error(JSON.stringify(/** @type {any} */ (e).detail))));
      el.addEventListener('blaze-face-track', (e) => {
        if (/** @type {any} */ (e).detail.faces.some((/** @type {{ overlaid: boolean }} */ f) => f.overlaid))
          resolve(undefined);
      });
    });
    el.setAttribute('camera', '');
    document.body.append(el);
    await lensOn;
    el.startRecording();
    await new Promise((r) => setTimeout(r, ms));
    const clip = await el.stopRecording();
    const bytes = new Uint8Array(await clip.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, seconds * 1000);
  writeFileSync(OUT, Buffer.from(b64, 'base64'));
  console.log(`${OUT} (${(b64.length * 0.75e-3).toFixed(0)} kB, ${seconds} s)`);
});
