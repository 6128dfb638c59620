// Small faces in a group photo: the fake camera plays the group-small clip (all of face-api's sample6.jpg, a
// group whose faces are about 40 to 70 px wide in the 640 px frame). Mesh tracking must find every face box
// tracking finds, on the same frames. Runs in the `camera-group` group.
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { cleanup, makeFace } from './helpers.js';
import { trackWhere } from './camera-helpers.js';
import { openFrontCamera, stopStream } from '../src/camera/camera-stream.js';
import { boxFinder, meshFinder, nextFrame } from './finder-helpers.js';

const MAX_FACES = 6;

describe('camera mode on a group photo with small faces', function () {
  this.timeout(600000);
  afterEach(cleanup);

  it('mesh tracking finds, in each frame, every face the box tracking finds in it', async () => {
    const [box, mesh] = await Promise.all([boxFinder(), meshFinder()]);
    const { stream, video } = await openFrontCamera({ width: 640, height: 480 });
    const boxCounts: number[] = [],
      meshCounts: number[] = [];
    try {
      while (boxCounts.length < 60) {
        await nextFrame(video);
        // Both read the same frame, in one task.
        const t = performance.now();
        boxCounts.push(box.detect(video, t, MAX_FACES).length);
        meshCounts.push(mesh.detect(video, t, MAX_FACES).length);
      }
    } finally {
      stopStream(stream);
      box.close();
      mesh.close();
    }
    console.log(`faces found a frame on the group photo: box ${boxCounts.join(' ')}; mesh ${meshCounts.join(' ')}`);
    expect(Math.max(...boxCounts), 'faces box tracking finds in this clip').to.be.at.least(3);
    // The first frames wait for the detector (it looks every third frame until every face is followed).
    for (let i = 5; i < boxCounts.length; i++)
      expect(meshCounts[i], `faces in frame ${i}: box ${boxCounts[i]}`).to.be.at.least(boxCounts[i]!);
  });

  it('the element overlays a face on each of them with mesh tracking', async () => {
    const el = makeFace({ camera: '', 'max-faces': String(MAX_FACES) });
    const t = await trackWhere(el, (t) => t.faces.length >= 4 && t.faces.every((f) => f.overlaid), 240000);
    expect(t.tracking).to.equal('mesh');
  });
});
