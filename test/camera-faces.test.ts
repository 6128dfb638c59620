// Camera mode with several faces: the fake camera plays the three-faces clip (face-api's
// sample1.jpg, three people, sliding sideways, their faces about 80 px wide in the 640 px frame). Runs in the
// `camera-faces` group.
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { cleanup, makeFace, next } from './helpers.js';
import { bareAndBlended, bestShift, meanDiff, trackWhere, tracks } from './camera-helpers.js';
import { openFrontCamera, stopStream } from '../src/camera/camera-stream.js';
import { meshFinder, nextFrame } from './finder-helpers.js';

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

  it('finds with mesh tracking as many faces as box tracking, from the first frames and after max-faces changes', async () => {
    /** Faces found in each of the first `n` frames after the first report, with a tracking. */
    const counts = async (el: HTMLElement, n: number) => (await tracks(el, n)).map((t) => t.faces.length);
    const box = makeFace({ camera: '', 'max-faces': '3', tracking: 'box' });
    await trackWhere(box, () => true, 180000);
    const boxCounts = await counts(box, 20);
    box.remove();
    const found = Math.max(...boxCounts);
    expect(found, 'faces box tracking finds in this clip').to.equal(3);

    const el = makeFace({ camera: '', 'max-faces': '3' });
    const first = await trackWhere(el, () => true, 180000);
    expect(first.tracking).to.equal('mesh');
    // The first frame already looks for every face; from the fifth on each is found, in every frame.
    const meshCounts = [first.faces.length, ...(await counts(el, 29))];
    console.log(`faces found, first frames: box ${boxCounts.join(' ')}; mesh ${meshCounts.join(' ')}`);
    expect(meshCounts.slice(5)).to.deep.equal(new Array(25).fill(found));
    // Fewer faces asked for: fewer found at once; more again: every face within a few frames.
    el.setAttribute('max-faces', '1');
    await tracks(el, 2);
    expect(Math.max(...(await counts(el, 10)))).to.equal(1);
    el.setAttribute('max-faces', '3');
    const again = await counts(el, 15);
    console.log(`faces found after max-faces 1 -> 3: ${again.join(' ')}`);
    expect(again.slice(5)).to.deep.equal(new Array(10).fill(found));
  });

  it('reads each of three followed faces with a VIDEO landmarker of its own', async () => {
    const finder = await meshFinder();
    const { stream, video } = await openFrontCamera({ width: 640, height: 480 });
    const found: number[] = [];
    let before = { ...finder.reads };
    try {
      // Until every face is followed and has its landmarker (made one at a time as faces are followed).
      for (let i = 0; i < 300 && !(found.at(-1) === 3 && finder.reads.video - before.video === 3); i++) {
        await nextFrame(video);
        before = { ...finder.reads };
        found.push(finder.detect(video, performance.now(), 3).length);
      }
      before = { ...finder.reads };
      for (let i = 0; i < 30; i++) {
        await nextFrame(video);
        found.push(finder.detect(video, performance.now(), 3).length);
      }
    } finally {
      stopStream(stream);
      finder.close();
    }
    const reads = { image: finder.reads.image - before.image, video: finder.reads.video - before.video };
    console.log(`three faces, 30 frames once all were followed: reads ${JSON.stringify(reads)}`);
    expect(found.slice(-30)).to.deep.equal(new Array(30).fill(3));
    // A face the detector finds again (every 30 frames) or a VIDEO landmarker loses is read in IMAGE mode.
    expect(reads.video).to.be.at.least(0.9 * 90);
    expect(reads.image).to.be.at.most(0.1 * 90);
  });
});
