// The face lens on an open mouth: Chromium's fake camera plays build/fake-camera/open-mouth.y4m, a real photo
// (face-api's sample1.jpg, the laughing face on the right). Runs in the `camera-mouth` group.
import { expect } from '@esm-bundle/chai';
import { INNER_LIPS, FACE_OVAL } from '../src/camera/canonical-mesh.js';
import { overlaid, shareInPolygon, startLensPipeline } from './lens-helpers.js';

describe('the face lens on an open mouth', () => {
  it('reads the mouth as open, and the overlay opens there: the real mouth shows, not a stretched texture', async () => {
    const run = await startLensPipeline();
    try {
      const s = await run.until(overlaid);
      const f = s.detail.faces[0]!, l = f.landmarks!;
      const polygon = (ids: readonly number[]) => ids.map((i) => [l[3 * i]!, l[3 * i + 1]!] as const);
      const mouth = shareInPolygon(s.shot, polygon(INNER_LIPS), 'green');
      const face = shareInPolygon(s.shot, polygon(FACE_OVAL), 'green');
      console.log(`open mouth: mouthOpen ${f.mouthOpen!.toFixed(2)}; overlay share inside the lips ${mouth.share.toFixed(2)} of ${mouth.pixels} px, over the face ${face.share.toFixed(2)}`);
      expect(f.mouthOpen).to.be.above(0.35);
      expect(mouth.pixels, 'the lips are apart in the frame').to.be.above(150);
      expect(mouth.share).to.be.below(0.2);
      expect(face.share).to.be.above(0.6);
    } finally {
      run.pipeline.stop();
      run.canvas.remove();
    }
  });
});
