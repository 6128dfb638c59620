// @ts-check
/// <reference lib="dom" />
// Before and after `likeness` for the README: camera mode on Chromium's fake camera playing a group photo
// (scripts/fake-camera-clips.mjs, three-faces), the composited view captured without likeness, then again once
// every face has been measured and made again. Writes docs/lens-likeness-off.png, docs/lens-likeness-on.png and
// prints what was measured.
//   npm run build && node scripts/likeness-pictures.mjs
import { writeFileSync } from 'node:fs';
import { fakeCameraArgs, withHarness } from './browser-harness.mjs';

const CLIP = 'three-faces';
const FACES = 3;

await withHarness({ args: fakeCameraArgs(CLIP) }, async ({ open }) => {
  const page = await open('/demo/empty.html', { width: 700, height: 560 });
  await page.addScriptTag({ type: 'module', url: '/dist/blaze-face.js' });
  const r = await page.evaluate(async (faces) => {
    await customElements.whenDefined('blaze-face');
    const el = /** @type {HTMLElement & { capture(): Promise<Blob> }} */ (document.createElement('blaze-face'));
    const detail = (/** @type {Event} */ e) => /** @type {CustomEvent} */ (e).detail;
    el.addEventListener('blaze-face-error', (e) => console.error(JSON.stringify(detail(e))));
    /** Resolves after `n` more track events in which every face asked for is overlaid. */
    const settled = (/** @type {number} */ n) =>
      new Promise((resolve) => {
        let left = n;
        el.addEventListener('blaze-face-track', function on(e) {
          const f = /** @type {{ overlaid: boolean }[]} */ (detail(e).faces);
          if (f.length < faces || !f.every((x) => x.overlaid)) return;
          if (--left > 0) return;
          el.removeEventListener('blaze-face-track', on);
          resolve(undefined);
        });
      });
    const png = async () => {
      const bytes = new Uint8Array(await (await el.capture()).arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    };
    el.setAttribute('seed', '11');
    el.setAttribute('max-faces', String(faces));
    el.setAttribute('camera', '');
    el.style.setProperty('--blaze-face-size', '640px');
    document.body.append(el);
    await settled(20);
    const off = await png();
    /** @type {object[]} */
    const measured = [];
    const allMeasured = new Promise((resolve) =>
      el.addEventListener('blaze-face-likeness', (e) => {
        measured.push(detail(e));
        if (measured.length === faces) resolve(undefined);
      }),
    );
    el.setAttribute('likeness', '');
    await allMeasured;
    // the faces are made again after their measurement: give the new textures a few frames to arrive
    await new Promise((r) => setTimeout(r, 1500));
    await settled(10);
    return { off, on: await png(), measured };
  }, FACES);
  writeFileSync('docs/lens-likeness-off.png', Buffer.from(r.off, 'base64'));
  writeFileSync('docs/lens-likeness-on.png', Buffer.from(r.on, 'base64'));
  console.log(JSON.stringify(r.measured));
});
