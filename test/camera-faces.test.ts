// Camera mode with several faces: the fake camera plays build/fake-camera/three-faces.y4m (face-api's
// sample1.jpg, three people, sliding sideways). Runs in the `camera-faces` group.
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { cleanup, makeFace, next } from './helpers.js';
import { bareAndBlended, bestShift, meanDiff, trackWhere, tracks } from './camera-helpers.js';

describe('<blaze-face camera max-faces>', function () {
  this.timeout(400000); // above the longest wait (a load, then three tracked faces): the wait reports a hang
  afterEach(cleanup);

  it('tracks three faces with their own ids and blends a face over each', async () => {
    const el = makeFace({ camera: '', 'max-faces': '3', mirror: 'false', seed: '20' });
    await next(el, 'blaze-face-load', 120000, 'the face model, before the camera tracks');
    const t = await trackWhere(el, (t) => t.faces.length === 3 && t.faces.every((f) => f.overlaid), 180000);
    expect(new Set(t.faces.map((f) => f.id)).size).to.equal(3);

    const { bare, blended } = await bareAndBlended(el);
    const { width: w, height: h } = blended;
    const inBox = (b: (typeof t.faces)[0]['box'], m: number) => (x: number, y: number) =>
      x > b.x + m * b.width && x < b.x + (1 - m) * b.width && y > b.y + m * b.height && y < b.y + (1 - m) * b.height;
    const far = (x: number, y: number) => t.faces.every((f) => !inBox(f.box, -0.5)(x, y));
    const dx = bestShift(bare.data, blended.data, w, h, far);
    const outside = meanDiff(bare.data, blended.data, w, h, far, dx);
    const inside = t.faces.map((f) => meanDiff(bare.data, blended.data, w, h, inBox(f.box, 0.25), dx));
    console.log(
      `three faces: mean |diff| inside ${inside.map((d) => d.toFixed(1)).join(', ')}; far outside ${outside.toFixed(1)}`,
    );
    // Every face is overlaid, and the overlay changes nothing far from the faces (docs/test-margins.md).
    for (const d of inside) expect(d).to.be.above(Math.max(8, 4 * outside));
  });

  it('follows no more faces than max-faces', async () => {
    const el = makeFace({ camera: '', 'max-faces': '2' });
    await trackWhere(el, (t) => t.faces.length === 2, 120000);
    const seen = await tracks(el, 30);
    expect(Math.max(...seen.map((t) => t.faces.length))).to.equal(2);
    el.setAttribute('max-faces', '3');
    await trackWhere(el, (t) => t.faces.length === 3);
  });
});
