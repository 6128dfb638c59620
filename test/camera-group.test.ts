// Small faces in a group photo: the fake camera plays the group-small clip (all of face-api's sample6.jpg, a
// group whose faces are about 40 to 70 px wide in the 640 px frame). Mesh tracking must find every face box
// tracking finds, in every frame once started. Runs in the `camera-group` group.
import { expect } from '@esm-bundle/chai';
import '../dist/blaze-face.js';
import { cleanup, makeFace } from './helpers.js';
import { trackWhere, tracks } from './camera-helpers.js';

describe('<blaze-face camera> on a group photo with small faces', function () {
  this.timeout(400000);
  afterEach(cleanup);

  it('finds with mesh tracking every face box tracking finds, in every frame from the fifth', async () => {
    const counts = async (el: HTMLElement, n: number) => (await tracks(el, n)).map((t) => t.faces.length);
    const box = makeFace({ camera: '', 'max-faces': '6', tracking: 'box' });
    await trackWhere(box, () => true, 180000);
    const boxCounts = await counts(box, 20);
    box.remove();
    const found = Math.max(...boxCounts);
    expect(found, 'faces box tracking finds in this clip').to.be.at.least(3);

    const el = makeFace({ camera: '', 'max-faces': '6' });
    const first = await trackWhere(el, () => true, 180000);
    expect(first.tracking).to.equal('mesh');
    const meshCounts = [first.faces.length, ...(await counts(el, 29))];
    console.log(
      `faces found on the group photo, first frames: box ${boxCounts.join(' ')}; mesh ${meshCounts.join(' ')}`,
    );
    expect(meshCounts.slice(5)).to.deep.equal(new Array(25).fill(found));
  });
});
